import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle
import UnixSignals

/// The request context: Hummingbird's core storage plus the connection, so a fault can drop it.
public struct EmulatorRequestContext: RequestContext {
    /// Hummingbird's per-request storage.
    public var coreContext: CoreRequestContextStorage
    /// The client connection.
    public let channel: any Channel

    /// Creates the context for a request arriving on `source.channel`.
    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.channel = source.channel
    }

    /// Requests up to 16 MiB are accepted.
    public var maxUploadSize: Int { 16 * 1024 * 1024 }
}

/// Thrown after a fault closed the connection, so nothing is written.
struct ConnectionDropped: Error {}

/// Adapts Hummingbird requests to ``Emulator/respond(to:origin:)``.
struct EmulatorResponder: HTTPResponder {
    let emulator: Emulator

    func respond(to request: Request, context: EmulatorRequestContext) async throws -> Response {
        let buffer = try await request.body.collect(upTo: context.maxUploadSize)
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        let query = request.uri.query.map(EmulatorRequest.parseQuery) ?? []
        let emulatorRequest = EmulatorRequest(
            method: request.method.rawValue, path: request.uri.path, query: query, headers: headers,
            body: Data(buffer.readableBytesView))
        let host = request.head.authority ?? headers["host"] ?? "127.0.0.1"
        switch await emulator.respond(to: emulatorRequest, origin: "http://\(host)") {
        case .respond(let response):
            var fields = HTTPFields()
            for (name, value) in response.headers {
                if let fieldName = HTTPField.Name(name) { fields[fieldName] = value }
            }
            return Response(
                status: HTTPResponse.Status(code: response.status), headers: fields,
                body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body)))
        case .dropConnection:
            context.channel.close(mode: .all, promise: nil)
            throw ConnectionDropped()
        }
    }
}

/// A running emulator: the HTTP server on one port plus the delivery loop.
public final class EmulatorServer: Sendable {
    /// The emulator behind the server.
    public let emulator: Emulator
    /// The address it listens on.
    public let host: String
    /// The bound port (never 0).
    public let port: Int
    private let serviceGroup: ServiceGroup
    private let serverTask: Task<Void, any Error>
    private let deliveryTask: Task<Void, Never>

    private init(
        emulator: Emulator, host: String, port: Int, serviceGroup: ServiceGroup, serverTask: Task<Void, any Error>,
        deliveryTask: Task<Void, Never>
    ) {
        self.emulator = emulator
        self.host = host
        self.port = port
        self.serviceGroup = serviceGroup
        self.serverTask = serverTask
        self.deliveryTask = deliveryTask
    }

    /// `http://HOST:PORT`.
    public var baseURL: String { "http://\(host):\(port)" }
    /// Value for `CALSYNC_GOOGLE_BASE_URL`.
    public var googleBaseURL: String { baseURL + "/google" }
    /// Value for `CALSYNC_GRAPH_BASE_URL`.
    public var graphBaseURL: String { baseURL + "/graph" }
    /// Value for `CALSYNC_MICROSOFT_LOGIN_BASE_URL`.
    public var microsoftLoginBaseURL: String { baseURL + "/microsoft-login" }
    /// Root of the control API.
    public var controlBaseURL: String { baseURL + "/_control" }

    /// Starts serving `emulator` on `host`:`port` (0 picks a free port) and returns once listening.
    /// - Parameters:
    ///   - emulator: The emulator to serve.
    ///   - host: Listen address.
    ///   - port: Listen port; 0 picks a free one.
    ///   - logger: Server logger; warnings and above when omitted.
    ///   - shutdownSignals: Signals that stop the server gracefully (the executable passes SIGINT and SIGTERM).
    /// - Throws: When the port cannot be bound.
    public static func start(
        emulator: Emulator, host: String = "127.0.0.1", port: Int = 0, logger: Logger? = nil,
        shutdownSignals: [UnixSignal] = []
    ) async throws -> EmulatorServer {
        var log = logger ?? Logger(label: "calsync-emulator")
        if logger == nil { log.logLevel = .warning }
        let (portStream, portContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(
            responder: EmulatorResponder(emulator: emulator),
            configuration: .init(address: .hostname(host, port: port), serverName: "calsync-emulator"),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: log)
        let serviceGroup = ServiceGroup(
            configuration: .init(services: [app], gracefulShutdownSignals: shutdownSignals, logger: log))
        let serverTask = Task {
            defer { portContinuation.finish() }
            try await serviceGroup.run()
        }
        let deliveryTask = Task { await emulator.runDeliveries() }
        var bound: Int?
        for await value in portStream {
            bound = value
            break
        }
        guard let bound, bound > 0 else {
            serverTask.cancel()
            emulator.stopDeliveries()
            _ = await serverTask.result
            await deliveryTask.value
            throw EmulatorStartError(host: host, port: port)
        }
        return EmulatorServer(
            emulator: emulator, host: host, port: bound, serviceGroup: serviceGroup, serverTask: serverTask,
            deliveryTask: deliveryTask)
    }

    /// Stops listening, lets in-flight requests and queued deliveries finish, and returns when both are done.
    public func stop() async {
        await serviceGroup.triggerGracefulShutdown()
        _ = await serverTask.result
        emulator.stopDeliveries()
        await deliveryTask.value
    }

    /// Waits until the server stops (a shutdown signal or an error), then lets queued deliveries finish.
    public func wait() async throws {
        defer { emulator.stopDeliveries() }
        try await serverTask.value
    }
}

/// The server could not listen.
public struct EmulatorStartError: Error, CustomStringConvertible {
    /// The address asked for.
    public let host: String
    /// The port asked for.
    public let port: Int

    public var description: String { "calsync-emulator could not listen on \(host):\(port)" }
}
