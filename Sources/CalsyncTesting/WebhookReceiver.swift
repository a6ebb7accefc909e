import CalsyncEmulator
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// One request a ``WebhookReceiver`` got.
public struct ReceivedRequest: Sendable {
    public let path: String
    public let query: [String: String]
    public let headers: [String: String]
    public let body: Data

    public var json: JSONValue? { JSONValue.parse(body) }
}

/// How a ``WebhookReceiver`` answers validation handshakes.
public enum HandshakeMode: Sendable {
    case echo
    case wrongEcho
    case delay(milliseconds: Int)
}

/// Records what the receiver got and decides how it answers.
public actor ReceiverLog {
    public var requests: [ReceivedRequest] = []
    public var mode: HandshakeMode = .echo

    func append(_ request: ReceivedRequest) { requests.append(request) }
    public func setMode(_ mode: HandshakeMode) { self.mode = mode }
}

/// A webhook receiver on a loopback ephemeral port: records every request, answers Graph's
/// validation handshake (echo, wrong echo or slow), and 200 to everything else.
public final class WebhookReceiver: Sendable {
    public let log: ReceiverLog
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    private init(log: ReceiverLog, port: Int, group: ServiceGroup, task: Task<Void, any Error>) {
        self.log = log
        self.port = port
        self.group = group
        self.task = task
    }

    public var url: String { "http://127.0.0.1:\(port)" }

    public static func start() async throws -> WebhookReceiver {
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

    public func requests(path: String? = nil) async -> [ReceivedRequest] {
        await log.requests.filter { path == nil || $0.path == path }
    }

    /// Polls until `count` requests to `path` (without a validation token) arrived, or 5 s passed.
    public func waitForNotifications(_ count: Int, path: String? = nil) async -> [ReceivedRequest] {
        let deadline = ContinuousClock.now + .seconds(5)
        while ContinuousClock.now < deadline {
            let found = await requests(path: path).filter { $0.query["validationToken"] == nil }
            if found.count >= count { return found }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return await requests(path: path).filter { $0.query["validationToken"] == nil }
    }

    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}
