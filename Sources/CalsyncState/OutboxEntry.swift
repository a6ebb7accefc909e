import CalsyncModel
import Foundation

/// One event of the state's outbox, with what has become of it.
public struct OutboxEntry: Sendable, Hashable {
    public var id: OutboxID
    public var event: NotificationEvent
    /// Whether the event's line is in `status/events.jsonl`.
    public var isJournaled: Bool
    /// What each channel that was tried made of the event; a channel never tried is absent.
    public var deliveries: [ChannelName: ChannelDelivery]

    public init(
        id: OutboxID, event: NotificationEvent, isJournaled: Bool, deliveries: [ChannelName: ChannelDelivery] = [:]
    ) {
        self.id = id
        self.event = event
        self.isJournaled = isJournaled
        self.deliveries = deliveries
    }

    /// The delivery state towards `channel`: nothing tried yet when absent.
    public func delivery(to channel: ChannelName) -> ChannelDelivery { deliveries[channel] ?? ChannelDelivery() }
}
