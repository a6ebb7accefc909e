import Foundation

/// What the server does with a request after the emulator has looked at it.
public enum HandlingOutcome: Sendable {
    /// Answer with this response.
    case respond(EmulatorResponse)
    /// Close the connection without answering.
    case dropConnection
}

/// The in-memory Google Calendar + Google OAuth + Microsoft Graph + Entra ID imitation.
///
/// All state lives in this actor; handlers are split across `Emulator+*.swift` files.
/// Time comes only from ``VirtualClock`` and randomness only from ``SeededRandom``.
public actor Emulator {
    var configuration: EmulatorConfiguration
    var clock: VirtualClock
    var random: SeededRandom
    var directory = Directory()
    var oauth = OAuthStore()
    /// Google events by calendar id, then event id.
    var googleEvents: [String: [String: GoogleEvent]] = [:]
    /// Graph events by calendar id, then event id.
    var graphEvents: [String: [String: GraphEvent]] = [:]
    /// `userID|transactionId` → event id.
    var graphTransactions: [String: String] = [:]
    var channels: [String: WatchChannel] = [:]
    var subscriptions: [String: GraphSubscription] = [:]
    var faults: [FaultRule] = []
    var requestLog: [RequestLogEntry] = []
    /// Graph requests being handled per mailbox (account id), for Outlook's concurrency limit.
    var graphInFlight: [String: Int] = [:]
    var deliveries: [DeliveryRecord] = []
    /// Global change counter; every event write takes the next value.
    var revision = 0

    let deliverer: WebhookDeliverer
    let outbox = Outbox()
    private let initialStart: Date
    private let initialSeed: UInt64
    private let initialConfiguration: EmulatorConfiguration

    /// Creates an empty emulator.
    /// - Parameters:
    ///   - start: The virtual clock's first instant.
    ///   - seed: Seed of the random source for ids, tokens and fault probabilities.
    ///   - configuration: Lifetimes and limits.
    ///   - deliverer: Sends pushes, notifications and handshakes.
    public init(
        start: Date, seed: UInt64, configuration: EmulatorConfiguration = EmulatorConfiguration(),
        deliverer: WebhookDeliverer = WebhookDeliverer()
    ) {
        self.clock = VirtualClock(start: start)
        self.random = SeededRandom(seed: seed)
        self.configuration = configuration
        self.deliverer = deliverer
        self.initialStart = start
        self.initialSeed = seed
        self.initialConfiguration = configuration
    }

    /// Delivers queued pushes and notifications until ``stopDeliveries()``.
    public func runDeliveries() async {
        let timeout = configuration.validationTimeoutSeconds
        await outbox.run(deliverer: deliverer, timeout: timeout) { [weak self] message, status in
            await self?.recordDelivery(kind: message.kind, url: message.url, status: status, detail: message.detail)
        }
    }

    /// Ends ``runDeliveries()`` once the queue is empty.
    public nonisolated func stopDeliveries() {
        outbox.finish()
        deliverer.shutdown()
    }

    func recordDelivery(kind: DeliveryKind, url: URL, status: Int?, detail: String) {
        deliveries.append(DeliveryRecord(kind: kind, url: url.absoluteString, status: status, detail: detail))
    }

    /// Forgets everything: seeded data, tokens, channels, faults, logs; the clock and the
    /// random source go back to their initial values.
    func resetAll() {
        configuration = initialConfiguration
        clock = VirtualClock(start: initialStart)
        random = SeededRandom(seed: initialSeed)
        directory = Directory()
        oauth = OAuthStore()
        googleEvents = [:]
        graphEvents = [:]
        graphTransactions = [:]
        channels = [:]
        subscriptions = [:]
        faults = []
        requestLog = []
        deliveries = []
        revision = 0
    }

    /// Takes the next global revision.
    func nextRevision() -> Int {
        revision += 1
        return revision
    }

    /// A fresh opaque token.
    func randomToken(_ prefix: String, length: Int = 40) -> String {
        prefix + random.string(length: length, alphabet: Alphabet.token)
    }
}
