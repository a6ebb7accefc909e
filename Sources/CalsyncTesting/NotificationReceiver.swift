import Foundation
import Hummingbird
import Logging
import ServiceLifecycle

/// A notification channel's receiving end on 127.0.0.1 and an ephemeral port: records every request
/// and answers with scripted statuses (then 200), optionally after a delay.
public final class NotificationReceiver: Sendable {
    /// One request the receiver got.
    public struct Request: Sendable {
        /// The path, such as `/hooks/ops`.
        public let path: String
        /// Header fields keyed by lower-case name.
        public let headers: [String: String]
        /// The exact body bytes.
        public let body: Data

        /// The body as UTF-8 text.
        public var text: String { String(decoding: body, as: UTF8.self) }

        /// Header `name` (case-insensitive).
        public func header(_ name: String) -> String? { headers[name.lowercased()] }
    }

    /// `http://127.0.0.1:PORT`.
    public let baseURL: String
    private let log: Log
    private let server: LoopbackServer

    private init(baseURL: String, log: Log, server: LoopbackServer) {
        self.baseURL = baseURL
        self.log = log
        self.server = server
    }

    /// Starts a receiver.
    /// - Parameters:
    ///   - statuses: The statuses of the first answers, in order; every later answer is 200.
    ///   - delay: How long each answer waits.
    public static func start(statuses: [Int] = [], delay: Duration = .zero) async throws -> NotificationReceiver {
        let log = Log(statuses: statuses)
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            let body = try await request.body.collect(upTo: 1 << 20)
            var headers: [String: String] = [:]
            for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
            let status = await log.record(Request(path: request.uri.path, headers: headers, body: Data(buffer: body)))
            if delay > .zero { try await Task.sleep(for: delay) }
            return Response(status: HTTPResponse.Status(code: status))
        }
        let server = await LoopbackServer.start(responder)
        return NotificationReceiver(baseURL: "http://127.0.0.1:\(server.port)", log: log, server: server)
    }

    /// Every request so far, oldest first.
    public func requests() async -> [Request] { await log.requests }

    /// Stops the server.
    public func stop() async { await server.stop() }

    /// Records requests and hands out the scripted statuses.
    private actor Log {
        var requests: [Request] = []
        var statuses: [Int]

        init(statuses: [Int]) { self.statuses = statuses }

        func record(_ request: Request) -> Int {
            requests.append(request)
            return statuses.isEmpty ? 200 : statuses.removeFirst()
        }
    }
}
