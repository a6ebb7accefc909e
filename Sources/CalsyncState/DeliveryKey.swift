import CalsyncModel

/// One event bound for one notification channel: the unit that is delivered exactly once.
public struct DeliveryKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    public var event: OutboxID
    public var channel: ChannelName

    public init(event: OutboxID, channel: ChannelName) {
        self.event = event
        self.channel = channel
    }

    /// `event 12 to channel ops-slack`.
    public var description: String { "event \(event) to channel \(channel)" }

    public static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.channel, lhs.event) < (rhs.channel, rhs.event)
    }
}
