import CalsyncEmulator
import CalsyncModel
import CalsyncProviders
import CalsyncTesting
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Testing

/// A time source a test moves by hand.
final class MovableTimeSource: TimeSource, @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var current: Date

    init(_ start: Date) {
        current = start
    }

    var now: Date { lock.withLock { current } }

    func advance(by seconds: TimeInterval) {
        lock.withLock { current = current.addingTimeInterval(seconds) }
    }
}

/// Every token set `AccessTokens` handed to its observer, in order.
actor RefreshLog {
    private(set) var tokenSets: [TokenSet] = []

    func record(_ tokens: TokenSet) { tokenSets.append(tokens) }
}

/// An emulator, an account's tokens and what the calendar clients are built from.
struct CalendarRig {
    let harness: EmulatorHarness
    let vendor: CalsyncModel.Vendor
    let clock: RecordingClock
    let time: MovableTimeSource
    let refreshes: RefreshLog
    let tokens: AccessTokens
    let refreshToken: Secret

    /// The window most tests read: 30 days back, 365 days ahead of the emulator's start.
    static let window = DateInterval(
        start: World.start.addingTimeInterval(-30 * 86_400), end: World.start.addingTimeInterval(365 * 86_400))

    /// Starts an emulator (unless given one) and issues the vendor's test account a refresh token for
    /// the tenant's app.
    static func start(_ vendor: CalsyncModel.Vendor, harness existing: EmulatorHarness? = nil) async throws
        -> CalendarRig
    {
        let harness: EmulatorHarness
        if let existing { harness = existing } else { harness = try await World.emulator() }
        let issued = try await harness.issueToken(
            vendor: vendor == .google ? .google : .microsoft,
            email: vendor == .google ? World.googleEmail : World.microsoftEmail,
            clientId: vendor == .google ? "g-client" : "m-client")
        let time = MovableTimeSource(World.start)
        let oauthBase = try #require(URL(string: vendor == .google ? harness.googleBaseURL : harness.microsoftLoginBaseURL))
        let oauth =
            vendor == .google
            ? OAuthClient.google(
                app: World.googleApp, clientSecret: World.googleSecret, authorizationBaseURL: oauthBase,
                tokenBaseURL: oauthBase, transport: World.transport(), timeSource: time)
            : OAuthClient.microsoft(
                app: World.microsoftApp, clientSecret: World.microsoftSecret, loginBaseURL: oauthBase,
                transport: World.transport(), timeSource: time)
        let refreshes = RefreshLog()
        let refreshToken = Secret(issued.refreshToken)
        let tokens = AccessTokens(client: oauth, refreshToken: refreshToken, timeSource: time) { tokens in
            await refreshes.record(tokens)
        }
        return CalendarRig(
            harness: harness, vendor: vendor, clock: RecordingClock(), time: time, refreshes: refreshes, tokens: tokens,
            refreshToken: refreshToken)
    }

    /// A retrying transport over a new URLSession (so a first request opens a new connection).
    func transport() -> RetryingTransport {
        RetryingTransport(
            World.transport(),
            policy: RetryPolicy(clock: clock, random: World.random(), timeSource: time))
    }

    /// A Google client against the emulator.
    func google(pageSize: Int = GoogleCalendarClient.defaultPageSize, transport: (any HTTPTransport)? = nil) throws
        -> GoogleCalendarClient
    {
        GoogleCalendarClient(
            apiBaseURL: try #require(URL(string: harness.googleBaseURL)), tokens: tokens,
            transport: transport ?? self.transport(), pageSize: pageSize)
    }

    /// A Graph client against the emulator.
    func graph(
        pageSize: Int = GraphCalendarClient.defaultPageSize, transport: (any HTTPTransport)? = nil,
        maxConcurrentRequests: Int = GraphCalendarClient.defaultMaxConcurrentRequests
    ) throws -> GraphCalendarClient {
        GraphCalendarClient(
            graphBaseURL: try #require(URL(string: harness.graphBaseURL)), tokens: tokens,
            transport: transport ?? self.transport(), clock: clock, timeSource: time,
            maxConcurrentRequests: maxConcurrentRequests, pageSize: pageSize)
    }

    /// Requests the emulator logged whose path starts with `prefix`.
    func sent(_ method: String, _ prefix: String) async throws -> Int {
        try await harness.requests().entries.filter { $0.method == method && $0.path.hasPrefix(prefix) }.count
    }

    /// Vendor requests the emulator logged (control API calls left out), in order.
    func vendorRequests() async throws -> [RequestLogEntry] {
        try await harness.requests().entries.filter { !$0.path.hasPrefix("/_control") }
    }

    /// Token endpoint requests the emulator logged.
    func tokenRequests() async throws -> Int {
        try await harness.requests().entries.filter { $0.path.hasSuffix("/token") }.count
    }
}

/// An event to create as the calendar's owner through the control API.
enum OwnerEvent {
    /// A Google timed event.
    static func google(
        _ summary: String, start: Date, minutes: Int = 60, timeZone: String? = nil, extra: [String: CalsyncEmulator.JSONValue] = [:]
    ) -> CalsyncEmulator.JSONValue {
        var startValue: [String: CalsyncEmulator.JSONValue] = ["dateTime": .string(RFC3339.string(start))]
        var endValue: [String: CalsyncEmulator.JSONValue] = [
            "dateTime": .string(RFC3339.string(start.addingTimeInterval(TimeInterval(minutes * 60))))
        ]
        if let timeZone {
            startValue["timeZone"] = .string(timeZone)
            endValue["timeZone"] = .string(timeZone)
        }
        var object: [String: CalsyncEmulator.JSONValue] = [
            "summary": .string(summary), "start": .object(startValue), "end": .object(endValue),
        ]
        for (key, value) in extra { object[key] = value }
        return .object(object)
    }

    /// A Graph timed event in UTC.
    static func graph(_ subject: String, start: Date, minutes: Int = 60, extra: [String: CalsyncEmulator.JSONValue] = [:])
        -> CalsyncEmulator.JSONValue
    {
        func when(_ date: Date) -> CalsyncEmulator.JSONValue {
            ["dateTime": .string(String(RFC3339.string(date).dropLast())), "timeZone": "UTC"]
        }
        var object: [String: CalsyncEmulator.JSONValue] = [
            "subject": .string(subject), "start": when(start), "end": when(start.addingTimeInterval(TimeInterval(minutes * 60))),
        ]
        for (key, value) in extra { object[key] = value }
        return .object(object)
    }
}

/// A draft as calsync writes it.
enum Drafts {
    static let tenant = TenantName(rawValue: "acme")!
    static let provider = ProviderName(rawValue: "main")!

    static func stamp(_ mapping: String) -> OwnershipStamp {
        OwnershipStamp(tenant: tenant, provider: provider, mapping: mapping)
    }

    static func timed(
        _ title: String, mapping: String, start: Date, minutes: Int = 30, timeZone: String? = nil,
        description: String? = nil, location: String? = nil
    ) -> EventDraft {
        EventDraft(
            title: title, description: description, location: location, start: .instant(start),
            end: .instant(start.addingTimeInterval(TimeInterval(minutes * 60))), timeZone: timeZone,
            stamp: stamp(mapping))
    }
}

/// A webhook receiver on a loopback ephemeral port that answers Graph's validation handshake (echo)
/// and 202 to everything else.
final class HandshakeReceiver: Sendable {
    let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.port = port
        self.group = group
        self.task = task
    }

    var url: URL { URL(string: "http://127.0.0.1:\(port)/webhooks/microsoft")! }

    static func start() async throws -> HandshakeReceiver {
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            _ = try await request.body.collect(upTo: 1 << 20)
            let items = EmulatorRequest.parseQuery(request.uri.query ?? "")
            if let token = items.first(where: { $0.name == "validationToken" })?.value {
                return Response(
                    status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: token)))
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
        return HandshakeReceiver(port: port, group: group, task: task)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}
