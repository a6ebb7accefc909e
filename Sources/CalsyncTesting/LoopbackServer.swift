import Hummingbird
import Logging
import ServiceLifecycle

/// A Hummingbird server on 127.0.0.1 and an ephemeral port: the body of every receiver a test starts.
public struct LoopbackServer: Sendable {
    /// The port the server listens on.
    public let port: Int
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    /// Starts `responder` and returns once the port is bound.
    public static func start(_ responder: CallbackResponder<BasicRequestContext>) async -> LoopbackServer {
        let (stream, continuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "loopback-receiver")
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
        return LoopbackServer(port: port, group: group, task: task)
    }

    /// Stops the server, letting requests in flight finish.
    public func stop() async {
        await group.triggerGracefulShutdown()
        _ = await task.result
    }
}
