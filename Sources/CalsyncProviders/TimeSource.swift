import Foundation

/// An injected source of the current instant, for token expiries and `Retry-After` dates.
///
/// Logic never calls `Date()`; the composition root passes the system's time (plus any configured
/// offset), and tests pass a fixed or manual one.
public protocol TimeSource: Sendable {
    /// The current instant.
    var now: Date { get }
}
