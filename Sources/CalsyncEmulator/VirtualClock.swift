import Foundation

/// The emulator's own notion of time: it moves only when the control API advances or sets it.
///
/// Token lifetimes, code expiry, channel and subscription expiry all read this clock,
/// so tests can jump hours ahead without waiting.
public struct VirtualClock: Sendable {
    /// The current virtual instant.
    public private(set) var now: Date

    /// Creates a clock that starts at `start`.
    public init(start: Date) {
        self.now = start
    }

    /// Moves the clock forward; negative amounts are ignored.
    public mutating func advance(by seconds: TimeInterval) {
        now = now.addingTimeInterval(max(0, seconds))
    }

    /// Puts the clock at `instant`, forward or back.
    public mutating func set(to instant: Date) {
        now = instant
    }
}
