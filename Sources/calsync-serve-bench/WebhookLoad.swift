import NIOCore
import NIOHTTP1
import NIOPosix

/// A Google push channel the load notifies: its id and token as recorded in the state.
struct GoogleChannel: Sendable {
    let id: String
    let token: String
}

/// What a load run measured.
struct LoadResult: Sendable {
    /// Every answer's latency in nanoseconds, from the request's write to the response's end, sorted.
    var latencies: [UInt64]
    /// Answers by HTTP status.
    var statuses: [UInt: Int]
    /// From the first request written to the last answer read, in nanoseconds.
    var elapsed: UInt64
}

/// The load generator: keep-alive HTTP/1.1 connections on an event loop group of their own, each
/// POSTing Google `exists` messages (headers only) to `/webhooks/google` one at a time and timing
/// each answer on its event loop, so no request waits on anything but the server.
final class WebhookLoad: Sendable {
    private let group: MultiThreadedEventLoopGroup
    private let host: String
    private let port: Int
    private let channels: [GoogleChannel]

    /// - Parameters:
    ///   - host: The server's address (an IP address).
    ///   - port: Its port.
    ///   - channels: The channels the notifications are spread over, round robin.
    ///   - threads: Event loop threads the connections share.
    init(host: String, port: Int, channels: [GoogleChannel], threads: Int) {
        self.group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, threads))
        self.host = host
        self.port = port
        self.channels = channels
    }

    /// Opens `connections` connections, then has each send `requests` notifications, message numbers
    /// counting from `firstMessage`; returns once every connection is answered and closed.
    func run(connections: Int, requests: Int, firstMessage: Int = 0) async throws -> LoadResult {
        let (channels, authority) = (self.channels, "\(host):\(port)")
        var open: [(Channel, EventLoopPromise<ConnectionResult>)] = []
        do {
            for connection in 0..<connections {
                let plan = LoadHandler.Plan(
                    authority: authority, channels: channels, requests: requests,
                    firstMessage: firstMessage + connection * requests)
                let channel = try await ClientBootstrap(group: group)
                    .channelOption(.socketOption(.tcp_nodelay), value: 1)
                    .channelInitializer { channel in
                        channel.eventLoop.makeCompletedFuture {
                            try channel.pipeline.syncOperations.addHTTPClientHandlers()
                            try channel.pipeline.syncOperations.addHandler(LoadHandler(plan))
                        }
                    }
                    .connect(host: host, port: port).get()
                open.append((channel, channel.eventLoop.makePromise(of: ConnectionResult.self)))
            }
        } catch {
            for (channel, promise) in open {
                promise.fail(error)
                try? await channel.close()
            }
            throw error
        }
        for (channel, promise) in open {
            channel.eventLoop.execute {
                do {
                    try channel.pipeline.syncOperations.handler(type: LoadHandler.self).start(promise)
                } catch {
                    promise.fail(error)
                }
            }
        }
        var results: [ConnectionResult] = []
        var failure: (any Error)?
        for (channel, promise) in open {
            do {
                results.append(try await promise.futureResult.get())
            } catch {
                failure = failure ?? error
            }
            try? await channel.close()
        }
        if let failure { throw failure }
        var total = LoadResult(latencies: [], statuses: [:], elapsed: 0)
        total.latencies.reserveCapacity(connections * requests)
        for result in results {
            total.latencies.append(contentsOf: result.latencies)
            total.statuses.merge(result.statuses, uniquingKeysWith: +)
        }
        total.latencies.sort()
        if let begin = results.map(\.firstSent).min(), let end = results.map(\.lastAnswered).max() {
            total.elapsed = end - begin
        }
        return total
    }

    /// Stops the event loop threads.
    func shutdown() async throws {
        try await group.shutdownGracefully()
    }
}

/// What one connection measured.
struct ConnectionResult: Sendable {
    var latencies: [UInt64] = []
    var statuses: [UInt: Int] = [:]
    var firstSent: UInt64 = 0
    var lastAnswered: UInt64 = 0
}

/// The connection closed before every request was answered.
struct ConnectionLost: Error, CustomStringConvertible {
    let answered: Int
    let requests: Int
    var description: String { "the server closed a connection after \(answered) of \(requests) answers" }
}

/// Sends one connection's notifications, the next as soon as the previous one is answered, and times
/// each on the event loop.
private final class LoadHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    struct Plan: Sendable {
        var authority: String
        var channels: [GoogleChannel]
        var requests: Int
        var firstMessage: Int
    }

    private let plan: Plan
    private var context: ChannelHandlerContext?
    private var promise: EventLoopPromise<ConnectionResult>?
    private var result = ConnectionResult()
    private var sent = 0
    private var sentAt: UInt64 = 0
    private var status: UInt = 0

    init(_ plan: Plan) {
        self.plan = plan
        result.latencies.reserveCapacity(plan.requests)
    }

    func handlerAdded(context: ChannelHandlerContext) { self.context = context }

    func handlerRemoved(context: ChannelHandlerContext) { self.context = nil }

    /// Starts sending; `promise` gets the measurements once the last answer is read.
    func start(_ promise: EventLoopPromise<ConnectionResult>) {
        self.promise = promise
        guard plan.requests > 0 else { return finish() }
        result.firstSent = NIODeadline.now().uptimeNanoseconds
        send()
    }

    private func send() {
        guard let context else { return }
        let message = plan.firstMessage + sent
        let channel = plan.channels[message % plan.channels.count]
        let headers: HTTPHeaders = [
            "Host": plan.authority, "Content-Length": "0", "X-Goog-Channel-ID": channel.id,
            "X-Goog-Channel-Token": channel.token, "X-Goog-Resource-ID": "bench", "X-Goog-Resource-State": "exists",
            "X-Goog-Message-Number": String(message + 2),
        ]
        sent += 1
        sentAt = NIODeadline.now().uptimeNanoseconds
        context.write(
            wrapOutboundOut(
                .head(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/webhooks/google", headers: headers))),
            promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            status = head.status.code
        case .body:
            break
        case .end:
            let now = NIODeadline.now().uptimeNanoseconds
            result.latencies.append(now - sentAt)
            result.statuses[status, default: 0] += 1
            result.lastAnswered = now
            if sent < plan.requests { send() } else { finish() }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        promise?.fail(error)
        promise = nil
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise?.fail(ConnectionLost(answered: result.latencies.count, requests: plan.requests))
        promise = nil
        context.fireChannelInactive()
    }

    private func finish() {
        promise?.succeed(result)
        promise = nil
    }
}
