import CalsyncModel
import CalsyncState
import Foundation

/// What one notifier pass did: lines journaled, deliveries made, deliveries that failed.
public struct NotificationReport: Sendable, Hashable {
    /// Events appended to `status/events.jsonl`.
    public var journaled: Int = 0
    /// Deliveries a channel acknowledged in this pass.
    public var delivered: [DeliveryKey] = []
    /// Deliveries that failed in this pass and were scheduled again.
    public var failures: [DeliveryFailure] = []
    /// Why the journal or the state could not be written; each is an error of the run.
    public var errors: [String] = []

    public init() {}

    /// One warning per channel with failed deliveries, naming the first failure and the next attempt.
    ///
    /// Never holds a channel's URL or secret: failures are the channel's status code, no answer, or the
    /// message of an unresolvable reference, which names the variable or file only.
    public var warnings: [String] {
        let byChannel = Dictionary(grouping: failures, by: \.key.channel)
        return byChannel.keys.sorted().compactMap { channel in
            guard let failures = byChannel[channel], let first = failures.min(by: { $0.key < $1.key }) else {
                return nil
            }
            let next = failures.map(\.nextAttemptAt).min() ?? first.nextAttemptAt
            let count = failures.count == 1 ? "1 event" : "\(failures.count) events"
            return
                "warning: notification channel \"\(channel)\": \(count) not delivered (\(first.message)); next attempt after \(RFC3339.string(next))."
        }
    }
}

/// One delivery that failed and when it is tried again.
public struct DeliveryFailure: Sendable, Hashable {
    public var key: DeliveryKey
    /// The channel's answer (`HTTP 500`), no answer, or an unresolvable reference; never a URL or secret.
    public var message: String
    public var nextAttemptAt: Date

    public init(key: DeliveryKey, message: String, nextAttemptAt: Date) {
        self.key = key
        self.message = message
        self.nextAttemptAt = nextAttemptAt
    }
}
