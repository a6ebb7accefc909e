import CalsyncModel
import CalsyncProviders
import CalsyncState
import Foundation

/// Takes events from the state's outbox to `status/events.jsonl` and to the notification channels
/// (SPEC section 11).
///
/// A pass first appends every event not yet journaled to the journal, then sends every due event to
/// each channel recorded in the state whose `events` and `tenants` match it: Slack channels get
/// `{"text": …}`, `webhook` channels get the event object, signed when they have a `secret`. A 2xx
/// delivers the event to that channel for good; anything else, or no answer within the call deadline,
/// schedules another attempt with `DeliveryBackoff`. Channel URLs and secrets are resolved when sent
/// and never written anywhere. The pass reads time only from `now` and `clock`, and randomness only
/// from `random`.
public struct Notifier: Sendable {
    /// Limits of one pass.
    public struct Configuration: Sendable, Hashable {
        /// How long one POST may take before it counts as unanswered.
        public var callDeadline: Duration
        /// After this long, the pass starts no new POST; what is left waits for the next pass.
        public var passDeadline: Duration
        /// Channels served at once (each channel gets its events one after another, oldest first).
        public var maxConcurrentChannels: Int
        /// Events read from the outbox per batch.
        public var batchSize: Int
        /// The retry schedule.
        public var backoff: DeliveryBackoff

        public init(
            callDeadline: Duration = .seconds(10), passDeadline: Duration = .seconds(60),
            maxConcurrentChannels: Int = 4,
            batchSize: Int = 500, backoff: DeliveryBackoff = DeliveryBackoff()
        ) {
            self.callDeadline = callDeadline
            self.passDeadline = passDeadline
            self.maxConcurrentChannels = max(1, maxConcurrentChannels)
            self.batchSize = max(1, batchSize)
            self.backoff = backoff
        }
    }

    public let store: SQLiteStateStore
    /// `status/events.jsonl` under the status directory.
    public let journalPath: String
    /// Where `env` secret references are read.
    public let environment: [String: String]
    public let transport: any HTTPTransport
    /// Jitter for the retry schedule.
    public let random: any RandomSource
    /// Measures the call and pass deadlines.
    public let clock: any Clock<Duration>
    /// The pass's instant: delivery times and next attempts are reckoned from it.
    public let now: Date
    public let configuration: Configuration

    /// Creates a notifier for one pass.
    /// - Parameters:
    ///   - store: The state holding the outbox and the channels.
    ///   - statusDirectory: The status directory; the journal is `events.jsonl` in it.
    ///   - environment: The process environment, for secret references.
    ///   - transport: Sends the POSTs.
    ///   - random: Jitter source.
    ///   - clock: Deadline clock.
    ///   - now: The current instant.
    ///   - configuration: Limits.
    public init(
        store: SQLiteStateStore, statusDirectory: String, environment: [String: String], transport: any HTTPTransport,
        random: any RandomSource, clock: any Clock<Duration>, now: Date, configuration: Configuration = Configuration()
    ) {
        self.store = store
        self.journalPath = (statusDirectory as NSString).appendingPathComponent("events.jsonl")
        self.environment = environment
        self.transport = transport
        self.random = random
        self.clock = clock
        self.now = now
        self.configuration = configuration
    }

    /// Journals every pending event, then delivers the due ones and settles what is done.
    ///
    /// Never throws: what went wrong is in the report (`errors` for the journal and the state,
    /// `failures` for deliveries, which are retried by a later pass).
    public func run() async -> NotificationReport {
        var report = NotificationReport()
        do {
            report.journaled = try journal()
        } catch let error as JournalError {
            report.errors.append(error.description)
        } catch {
            report.errors.append("\(error)")
        }
        do {
            try await deliver(into: &report)
        } catch {
            report.errors.append("\(error)")
        }
        return report
    }
}
