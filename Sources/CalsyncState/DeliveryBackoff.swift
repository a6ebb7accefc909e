/// How long a notification waits after a failed delivery: exponential backoff with jitter, capped.
///
/// After the n-th failed attempt the ceiling is `min(cap, base * 2^(n-1))`, and the wait is drawn
/// from the upper half of it (`ceiling * (1 + jitter) / 2`), so a retry never comes at once and
/// many events that failed together do not come back together. With the defaults: about 1, 2, 4,
/// 8, 16 and 32 minutes, then at most an hour, for ever: events are retried until delivered.
public struct DeliveryBackoff: Sendable, Hashable {
    /// The ceiling after the first failed attempt.
    public var base: Duration
    /// The largest wait.
    public var cap: Duration

    public init(base: Duration = .seconds(60), cap: Duration = .seconds(3600)) {
        self.base = base
        self.cap = max(base, cap)
    }

    /// The wait after `attempts` failed attempts.
    /// - Parameters:
    ///   - attempts: Failed attempts so far, at least 1.
    ///   - jitter: A random draw from `0...1`; clamped.
    /// - Returns: A wait between half the ceiling and the ceiling.
    public func delay(afterAttempts attempts: Int, jitter: Double) -> Duration {
        let exponent = min(max(attempts - 1, 0), 30)
        let ceiling = min(cap, base * (1 << exponent))
        return ceiling * ((1 + min(max(jitter, 0), 1)) / 2)
    }
}
