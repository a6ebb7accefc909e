/// An `HTTPTransport` that sends again what its `RetryPolicy` allows.
///
/// It returns the last response, error statuses included, once the policy stops retrying, and rethrows
/// the last transport error. When the next wait would pass the policy's deadline it throws
/// `RetryError` naming the deadline instead of waiting.
public struct RetryingTransport: HTTPTransport {
    /// The transport that does the sending.
    public let base: any HTTPTransport
    /// The retry rules.
    public let policy: RetryPolicy

    /// Wraps `base` with `policy`.
    public init(_ base: any HTTPTransport, policy: RetryPolicy) {
        self.base = base
        self.policy = policy
    }

    public func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await send(request, on: policy.clock)
    }

    private func send<C: Clock>(_ request: HTTPRequest, on clock: C) async throws -> HTTPResponse
    where C.Duration == Duration {
        let start = clock.now
        var attempt = 1
        while true {
            let outcome: Result<HTTPResponse, any Error>
            do {
                outcome = .success(try await base.send(request))
            } catch {
                outcome = .failure(error)
            }
            guard let delay = policy.delay(after: outcome, of: request, attempt: attempt) else {
                return try outcome.get()
            }
            let elapsed = start.duration(to: clock.now)
            if elapsed + delay > policy.deadline {
                throw RetryError(deadline: policy.deadline, attempts: attempt, lastFailure: Self.summary(of: outcome))
            }
            try await clock.sleep(for: delay)
            attempt += 1
        }
    }

    private static func summary(of outcome: Result<HTTPResponse, any Error>) -> String {
        switch outcome {
        case .success(let response): return VendorError(response: response).description
        case .failure(let error): return (error as? TransportError)?.description ?? "transport failure"
        }
    }
}
