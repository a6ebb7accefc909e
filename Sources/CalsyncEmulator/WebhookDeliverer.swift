import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Sends the emulator's outbound POSTs (pushes, notifications, handshakes) over HTTP.
public final class WebhookDeliverer: Sendable {
    private let session: URLSession

    /// Creates a deliverer with its own URL session.
    public init() {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.httpMaximumConnectionsPerHost = 8
        self.session = URLSession(configuration: configuration)
    }

    /// POSTs `body` to `url`; returns the receiver's status and body, or `nil` when it
    /// could not be reached within `timeout` seconds.
    func post(url: URL, headers: [(String, String)], body: Data, timeout: Double) async -> (status: Int, body: Data)? {
        await withTaskGroup(of: DeliveryAttempt.self) { group in
            group.addTask {
                guard let answer = await self.send(url: url, headers: headers, body: body, timeout: timeout) else {
                    return .unreachable
                }
                return .answered(status: answer.status, body: answer.body)
            }
            group.addTask {
                try? await Task.sleep(for: .milliseconds(Int(timeout * 1000)))
                return .timedOut
            }
            let first = await group.next() ?? .timedOut
            group.cancelAll()
            if case .answered(let status, let body) = first { return (status, body) }
            return nil
        }
    }

    private func send(url: URL, headers: [(String, String)], body: Data, timeout: Double) async -> (status: Int, body: Data)? {
        var request = URLRequest(url: url, timeoutInterval: max(timeout, 1))
        request.httpMethod = "POST"
        for (name, value) in headers {
            request.setValue(value, forHTTPHeaderField: name)
        }
        request.httpBody = body
        do {
            let (data, response) = try await session.data(for: request)
            guard let http = response as? HTTPURLResponse else { return nil }
            return (http.statusCode, data)
        } catch {
            return nil
        }
    }

    /// Ends the session once in-flight deliveries finish.
    public func shutdown() {
        session.finishTasksAndInvalidate()
    }
}

/// How one outbound POST ended.
private enum DeliveryAttempt: Sendable {
    case answered(status: Int, body: Data)
    case unreachable
    case timedOut
}

/// One queued outbound message.
struct OutboundMessage: Sendable {
    let kind: DeliveryKind
    let url: URL
    let headers: [(String, String)]
    let body: Data
    let detail: String
}

/// Delivers queued messages one at a time, in the order they were queued.
final class Outbox: Sendable {
    private let continuation: AsyncStream<OutboundMessage>.Continuation
    private let stream: AsyncStream<OutboundMessage>

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: OutboundMessage.self)
    }

    /// Queues a message.
    func enqueue(_ message: OutboundMessage) {
        continuation.yield(message)
    }

    /// Sends messages until ``finish()``; `record` is told each result.
    func run(
        deliverer: WebhookDeliverer, timeout: Double,
        record: @escaping @Sendable (OutboundMessage, Int?) async -> Void
    ) async {
        for await message in stream {
            let result = await deliverer.post(
                url: message.url, headers: message.headers, body: message.body, timeout: timeout)
            await record(message, result?.status)
        }
    }

    /// Stops accepting messages; ``run(deliverer:timeout:record:)`` ends after the queue drains.
    func finish() {
        continuation.finish()
    }
}
