/// An action given up on by `RetryingTransport`.
public struct RetryError: Error, Sendable, CustomStringConvertible {
    /// The per-action deadline that the next wait would have passed.
    public let deadline: Duration
    /// How many sends were made.
    public let attempts: Int
    /// What the last send produced: the vendor's error or the transport failure, for people.
    public let lastFailure: String

    /// Creates the error.
    public init(deadline: Duration, attempts: Int, lastFailure: String) {
        self.deadline = deadline
        self.attempts = attempts
        self.lastFailure = lastFailure
    }

    /// Whether a later action may succeed; the deadline ran out on failures that were themselves retryable.
    public var isRetryable: Bool { true }

    public var description: String {
        "deadline of \(deadline) exceeded after \(attempts) attempt\(attempts == 1 ? "" : "s"); last: \(lastFailure)"
    }
}
