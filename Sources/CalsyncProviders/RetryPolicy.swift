import Foundation

/// When and how long to wait before sending a request again.
///
/// Exponential backoff with full jitter (a delay drawn uniformly from zero up to
/// `baseDelay * 2^(attempt-1)`, capped at `maxDelay`), except that a `Retry-After` header is honoured
/// as given. Every wait happens on the injected `clock`, and the whole action, waits included, must
/// finish within `deadline`. Only retryable outcomes of requests that are safe to repeat are retried:
/// see `delay(after:of:attempt:)`.
public struct RetryPolicy: Sendable {
    /// How many times a request is sent at most, the first time included.
    public var maxAttempts: Int
    /// The backoff ceiling of the first retry.
    public var baseDelay: Duration
    /// The largest backoff ceiling; `Retry-After` may ask for more.
    public var maxDelay: Duration
    /// How long one action may take, from its first send to its last answer.
    public var deadline: Duration
    /// The clock waits happen on and the deadline is measured with.
    public let clock: any Clock<Duration>
    /// Where the jitter comes from.
    public let random: any RandomSource
    /// The current instant, for `Retry-After` given as an HTTP date.
    public let timeSource: any TimeSource

    /// Creates a policy.
    /// - Parameters:
    ///   - maxAttempts: Sends at most, the first included; at least 1.
    ///   - baseDelay: Backoff ceiling of the first retry.
    ///   - maxDelay: Largest backoff ceiling.
    ///   - deadline: Time allowed per action.
    ///   - clock: Clock to wait on.
    ///   - random: Jitter source.
    ///   - timeSource: Current instant for HTTP-date `Retry-After` values.
    public init(
        maxAttempts: Int = 5, baseDelay: Duration = .milliseconds(500), maxDelay: Duration = .seconds(30),
        deadline: Duration = .seconds(120), clock: any Clock<Duration>, random: any RandomSource,
        timeSource: any TimeSource
    ) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.deadline = deadline
        self.clock = clock
        self.random = random
        self.timeSource = timeSource
    }

    /// Whether an outcome may be retried at all, whatever the attempt count.
    ///
    /// Retryable: 429, 500, 502, 503, 504, Google 403 `rateLimitExceeded`/`userRateLimitExceeded`, and
    /// a dropped, refused or timed-out connection. Never Google `quotaExceeded`, never another 4xx,
    /// and never a request that is not safe to repeat (`HTTPRequest.isSafeToRetry`).
    public func isRetryable(_ outcome: Result<HTTPResponse, any Error>, of request: HTTPRequest) -> Bool {
        guard request.isSafeToRetry else { return false }
        switch outcome {
        case .success(let response):
            return !response.isSuccess && VendorError(response: response).isRetryable
        case .failure(let error):
            return (error as? TransportError)?.isRetryable == true
        }
    }

    /// How long to wait before sending again, or nil to stop and hand back the outcome.
    ///
    /// - Parameters:
    ///   - outcome: What the last send produced.
    ///   - request: The request that was sent.
    ///   - attempt: How many sends have been made, 1 for the first.
    /// - Returns: The wait: `Retry-After` when the vendor gave one, otherwise a jittered backoff.
    public func delay(after outcome: Result<HTTPResponse, any Error>, of request: HTTPRequest, attempt: Int)
        -> Duration?
    {
        guard attempt < maxAttempts, isRetryable(outcome, of: request) else { return nil }
        if case .success(let response) = outcome,
            let retryAfter = response.header("Retry-After").flatMap(RetryAfter.init(headerValue:))
        {
            return retryAfter.delay(from: timeSource.now)
        }
        return backoff(attempt: attempt)
    }

    /// A full-jitter backoff after `attempt` sends: uniform in `0...min(maxDelay, baseDelay * 2^(attempt-1))`.
    public func backoff(attempt: Int) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(maxDelay, baseDelay * (1 << exponent))
        return ceiling * random.nextUnitInterval()
    }
}
