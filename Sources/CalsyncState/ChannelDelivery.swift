import Foundation

/// How far one event got towards one notification channel.
///
/// A channel that has acknowledged an event (`deliveredAt` set) is never sent it again, whatever
/// happens to the other channels or to the process.
public struct ChannelDelivery: Sendable, Hashable {
    /// Sends made so far, the successful one included.
    public var attempts: Int
    /// Not before this instant may the event be sent again; nil when it may be sent now.
    ///
    /// While a notifier is sending, this is its claim on the delivery, so another notifier skips it.
    public var nextAttemptAt: Date?
    /// Why the last send failed: the channel's answer (`HTTP 500`), no answer, or an unresolvable reference.
    ///
    /// Never the channel's URL or secret.
    public var lastError: String?
    /// When the channel acknowledged the event with a 2xx.
    public var deliveredAt: Date?

    public init(attempts: Int = 0, nextAttemptAt: Date? = nil, lastError: String? = nil, deliveredAt: Date? = nil) {
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.lastError = lastError
        self.deliveredAt = deliveredAt
    }

    /// Whether the channel acknowledged the event.
    public var isDelivered: Bool { deliveredAt != nil }

    /// Whether the event may be sent to the channel at `now`.
    public func isDue(at now: Date) -> Bool {
        !isDelivered && (nextAttemptAt.map { $0 <= now } ?? true)
    }
}
