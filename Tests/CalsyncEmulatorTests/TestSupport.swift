import CalsyncEmulator
import CalsyncTesting
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Testing

/// The world most tests start from.
enum Fixtures {
    static let googleEmail = "alice@example.com"
    static let microsoftEmail = "bob@example.com"
    static let microsoftUserID = "7c1d2e3f-0000-4000-8000-00000000b0b0"
    static let graphCalendar = "AAMkAGbobdefault"
    static let graphWork = "AAMkAGbobwork"
    static let teamCalendar = "team@group.calendar.google.com"

    static let world = EmulatorFixture(
        apps: [
            OAuthAppFixture(vendor: .google, clientId: "google-client", clientSecret: "google-secret", redirectUris: ["http://127.0.0.1/callback"]),
            OAuthAppFixture(vendor: .microsoft, clientId: "ms-client", clientSecret: "ms-secret", redirectUris: ["http://localhost/callback"]),
            OAuthAppFixture(vendor: .microsoft, clientId: "ms-public", clientSecret: nil, redirectUris: ["http://127.0.0.1/cb"]),
        ],
        accounts: [
            AccountFixture(
                vendor: .google, email: googleEmail, displayName: "Alice",
                calendars: [CalendarFixture(name: "Alice"), CalendarFixture(id: teamCalendar, name: "Team", timeZone: "Europe/Berlin")]),
            AccountFixture(
                vendor: .microsoft, email: microsoftEmail, id: microsoftUserID, displayName: "Bob",
                calendars: [CalendarFixture(id: graphCalendar, name: "Calendar"), CalendarFixture(id: graphWork, name: "Work")]),
        ])

    /// A timed Google event body.
    static func googleEvent(_ summary: String, start: String, end: String, extra: [String: JSONValue] = [:]) -> JSONValue {
        var object: [String: JSONValue] = [
            "summary": .string(summary), "start": ["dateTime": .string(start)], "end": ["dateTime": .string(end)],
        ]
        for (key, value) in extra { object[key] = value }
        return .object(object)
    }

    /// A Graph event body in UTC.
    static func graphEvent(_ subject: String, start: String, end: String, extra: [String: JSONValue] = [:]) -> JSONValue {
        var object: [String: JSONValue] = [
            "subject": .string(subject), "start": ["dateTime": .string(start), "timeZone": "UTC"],
            "end": ["dateTime": .string(end), "timeZone": "UTC"],
        ]
        for (key, value) in extra { object[key] = value }
        return .object(object)
    }
}

/// A started emulator with the standard world and a token per vendor.
struct Session {
    let harness: EmulatorHarness
    let googleToken: String
    let graphToken: String

    static func start(configuration: EmulatorConfiguration = EmulatorConfiguration()) async throws -> Session {
        let harness = try await EmulatorHarness.start(fixture: Fixtures.world, configuration: configuration)
        let google = try await harness.issueToken(vendor: .google, email: Fixtures.googleEmail, clientId: "google-client")
        let graph = try await harness.issueToken(vendor: .microsoft, email: Fixtures.microsoftEmail, clientId: "ms-client")
        return Session(harness: harness, googleToken: google.accessToken, graphToken: graph.accessToken)
    }

    func google(_ method: String, _ path: String, json: JSONValue? = nil, headers: [String: String] = [:]) async throws -> HTTPResult {
        var all = headers
        all["Authorization"] = "Bearer \(googleToken)"
        let url = "/google/calendar/v3" + path
        if let json { return try await harness.send(method, url, headers: all, json: json) }
        return try await harness.send(method, url, headers: all)
    }

    func graph(_ method: String, _ path: String, json: JSONValue? = nil, headers: [String: String] = [:]) async throws -> HTTPResult {
        var all = headers
        all["Authorization"] = "Bearer \(graphToken)"
        let url = path.hasPrefix("http") ? path : "/graph/v1.0" + path
        if let json { return try await harness.send(method, url, headers: all, json: json) }
        return try await harness.send(method, url, headers: all)
    }

    func stop() async { await harness.stop() }
}

/// One request a ``WebhookReceiver`` got.
struct ReceivedRequest: Sendable {
    let path: String
    let query: [String: String]
    let headers: [String: String]
    let body: Data

    var json: JSONValue? { JSONValue.parse(body) }
}

/// How a ``WebhookReceiver`` answers validation handshakes.
enum HandshakeMode: Sendable {
    case echo
    case wrongEcho
    case delay(milliseconds: Int)
}

/// Records what the receiver got and decides how it answers.
actor ReceiverLog {
    var requests: [ReceivedRequest] = []
    var mode: HandshakeMode = .echo

    func append(_ request: ReceivedRequest) { requests.append(request) }
    func setMode(_ mode: HandshakeMode) { self.mode = mode }
}

/// A webhook receiver on a loopback ephemeral port: records every request, answers Graph's
/// validation handshake (echo, wrong echo or slow), and 200 to everything else.
final class WebhookReceiver: Sendable {
    let log: ReceiverLog
    let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(log: ReceiverLog, port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.log = log
        self.port = port
        self.group = group
        self.task = task
    }

    var url: String { "http://127.0.0.1:\(port)" }

    static func start() async throws -> WebhookReceiver {
        let log = ReceiverLog()
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName] = field.value }
            let query = Dictionary(
                EmulatorRequest.parseQuery(request.uri.query ?? "").map { ($0.name, $0.value) }, uniquingKeysWith: { a, _ in a })
            await log.append(ReceivedRequest(path: request.uri.path, query: query, headers: headers, body: Data(buffer: body)))
            if let token = query["validationToken"] {
                switch await log.mode {
                case .echo: return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: token)))
                case .wrongEcho: return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "nope")))
                case .delay(let milliseconds):
                    try await Task.sleep(for: .milliseconds(milliseconds))
                    return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: token)))
                }
            }
            return Response(status: .accepted)
        }
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "receiver")
        logger.logLevel = .critical
        let app = Application(
            responder: responder, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                continuation.yield(channel.localAddress?.port ?? 0)
                continuation.finish()
            }, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let task = Task { try await group.run() }
        var port = 0
        for await value in stream {
            port = value
            break
        }
        return WebhookReceiver(log: log, port: port, group: group, task: task)
    }

    func requests(path: String? = nil) async -> [ReceivedRequest] {
        await log.requests.filter { path == nil || $0.path == path }
    }

    /// Polls until `count` requests to `path` (without a validation token) arrived, or 5 s passed.
    func waitForNotifications(_ count: Int, path: String? = nil) async -> [ReceivedRequest] {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            let found = await requests(path: path).filter { $0.query["validationToken"] == nil }
            if found.count >= count { return found }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return await requests(path: path).filter { $0.query["validationToken"] == nil }
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}
