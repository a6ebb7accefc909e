import CalsyncEmulator
import CalsyncModel
import CalsyncProviders
import CalsyncState
import CalsyncSync
import CalsyncSyncEngine
import CalsyncTesting
import Foundation
import Testing

/// A clock whose sleeps return at once: retries wait no wall-clock time.
final class InstantClock: Clock, @unchecked Sendable {
    struct Instant: InstantProtocol {
        let offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let lock = NSLock()
    // Guarded by `lock`.
    private var current = Instant(offset: .zero)

    var now: Instant { lock.withLock { current } }
    var minimumResolution: Duration { .nanoseconds(1) }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        lock.withLock { if current < deadline { current = deadline } }
    }
}

/// A time source the rig moves with the emulator's virtual clock.
final class RigTime: TimeSource, @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var current: Date

    init(_ start: Date) { current = start }
    var now: Date { lock.withLock { current } }
    func advance(by seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}

/// Entry ids in order: `entry-1`, `entry-2`, …
final class EntryIDs: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var next = 0
    private let prefix: String

    init(prefix: String) { self.prefix = prefix }

    func make() -> EntryID {
        lock.withLock {
            next += 1
            return EntryID(rawValue: "\(prefix)-\(next)")
        }
    }
}

/// An emulator with one Google and one Graph account, a real SQLite state recording tenant `acme` with
/// provider `google-main` (the Google primary calendar) and `outlook-main` (the Graph default calendar),
/// and authorized clients for both: the world of the sync engine's tests.
final class SyncRig: @unchecked Sendable {
    static let tenant = TenantName(rawValue: "acme")!
    static let google = ProviderRef("acme/google-main")!
    static let graph = ProviderRef("acme/outlook-main")!
    static let googleEmail = "alice@example.com"
    static let graphEmail = "bob@example.com"
    static let googleCalendar = "alice@example.com"
    static let graphCalendar = "bob-calendar"
    static let start = EmulatorHarness.defaultStart

    let harness: EmulatorHarness
    let store: SQLiteStateStore
    let directory: String
    let time: RigTime
    let ids = EntryIDs(prefix: "pulled")
    let clients: [ProviderRef: any CalendarClient]

    private init(
        harness: EmulatorHarness, store: SQLiteStateStore, directory: String, time: RigTime,
        clients: [ProviderRef: any CalendarClient]
    ) {
        self.harness = harness
        self.store = store
        self.directory = directory
        self.time = time
        self.clients = clients
    }

    /// Starts the world; `configure` adjusts each provider's spec before it is recorded.
    static func start(
        seed: UInt64 = 1, timeout: Duration = .seconds(5), configure: (inout ProviderSpec) -> Void = { _ in }
    ) async throws -> SyncRig {
        let fixture = EmulatorFixture(
            apps: [
                OAuthAppFixture(vendor: .google, clientId: "g-client", clientSecret: "g-secret", redirectUris: ["http://127.0.0.1/cb"]),
                OAuthAppFixture(vendor: .microsoft, clientId: "m-client", clientSecret: "m-secret", redirectUris: ["http://127.0.0.1/cb"]),
            ],
            accounts: [
                AccountFixture(vendor: .google, email: googleEmail, calendars: [CalendarFixture(name: "Alice")]),
                AccountFixture(
                    vendor: .microsoft, email: graphEmail, id: "bob-id",
                    calendars: [CalendarFixture(id: graphCalendar, name: "Calendar", isDefault: true)]),
            ])
        let harness = try await EmulatorHarness.start(fixture: fixture, start: start, seed: seed)
        let time = RigTime(start)
        let directory = NSTemporaryDirectory() + "calsync-engine-" + UUID().uuidString
        let store = try SQLiteStateStore(path: directory + "/state.db", mode: .readWrite)
        try store.apply(.recordTenant(TenantSpec(name: tenant)))
        var clients: [ProviderRef: any CalendarClient] = [:]
        for (ref, vendor) in [(google, CalsyncModel.Vendor.google), (graph, .microsoft)] {
            var spec = ProviderSpec(ref: ref, vendor: vendor, calendarId: vendor == .google ? "primary" : "calendar")
            configure(&spec)
            try store.apply(.recordProvider(ProviderState(ref: ref, applied: spec, credential: .valid), card: card))
            clients[ref] = try await client(vendor, harness: harness, time: time, seed: seed, timeout: timeout)
        }
        return SyncRig(harness: harness, store: store, directory: directory, time: time, clients: clients)
    }

    static let card = ProviderCardState(
        ready: Condition(status: .true, reason: .converged, message: "up to date", lastTransitionTime: start), pendingActions: [])

    /// An authorized client of the vendor's test account, over a retrying transport whose waits take no time.
    static func client(
        _ vendor: CalsyncModel.Vendor, harness: EmulatorHarness, time: RigTime, seed: UInt64, timeout: Duration
    ) async throws -> any CalendarClient {
        let issued = try await harness.issueToken(
            vendor: vendor == .google ? .google : .microsoft, email: vendor == .google ? googleEmail : graphEmail,
            clientId: vendor == .google ? "g-client" : "m-client")
        let plain = URLSessionTransport(defaultTimeout: timeout)
        let random = GeneratorRandomSource(CalsyncTesting.SeededRandom(seed: seed))
        let oauthBase = try #require(URL(string: vendor == .google ? harness.googleBaseURL : harness.microsoftLoginBaseURL))
        let oauth =
            vendor == .google
            ? OAuthClient.google(
                app: OAuthApp(clientId: "g-client", clientSecret: .env("G"), redirectUri: "http://127.0.0.1/cb"),
                clientSecret: Secret("g-secret"), authorizationBaseURL: oauthBase, tokenBaseURL: oauthBase, transport: plain,
                timeSource: time)
            : OAuthClient.microsoft(
                app: OAuthApp(clientId: "m-client", clientSecret: .env("M"), redirectUri: "http://127.0.0.1/cb", directoryTenant: "common"),
                clientSecret: Secret("m-secret"), loginBaseURL: oauthBase, transport: plain, timeSource: time)
        let tokens = AccessTokens(client: oauth, refreshToken: Secret(issued.refreshToken), timeSource: time)
        let transport = RetryingTransport(
            plain, policy: RetryPolicy(maxAttempts: 4, clock: InstantClock(), random: random, timeSource: time))
        return CalendarClients.make(
            vendor: vendor, googleAPIBaseURL: try #require(URL(string: harness.googleBaseURL)),
            graphBaseURL: try #require(URL(string: harness.graphBaseURL)), tokens: tokens, transport: transport,
            clock: InstantClock(), timeSource: time)
    }

    func stop() async {
        await harness.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: - Syncing

    var now: Date { time.now }

    func provider(_ ref: ProviderRef) throws -> ProviderState {
        try #require(try store.snapshot().providers.first { $0.ref == ref })
    }

    /// Changes a provider's applied spec.
    func configure(_ ref: ProviderRef, _ change: (inout ProviderSpec) -> Void) throws {
        var state = try provider(ref)
        change(&state.applied)
        try store.apply(.recordProvider(state, card: Self.card))
    }

    /// One sync of `ref`, its outcome recorded on the provider as `calsync sync` records it.
    @discardableResult
    func sync(_ ref: ProviderRef, full: Bool = false, batchSize: Int = SyncEngine.defaultBatchSize) async throws -> SyncReport {
        let engine = SyncEngine(
            store: store, client: try #require(clients[ref]), newEntryID: { [ids] in ids.make() }, batchSize: batchSize)
        let report = await engine.sync(try provider(ref), now: now, full: full)
        var state = report.applied(to: try provider(ref))
        state.isNotificationPending = false
        try store.apply(.recordProvider(state, card: Self.card))
        return report
    }

    /// Moves calsync's clock and the emulator's together.
    func advance(days: Double) async throws {
        time.advance(by: days * 86_400)
        try await harness.advanceClock(by: days * 86_400)
    }

    // MARK: - The local side

    @discardableResult
    func addEntry(
        _ title: String, start: Date, hours: Double = 1, timeZone: String? = nil, id: String? = nil,
        description: String? = nil, location: String? = nil
    ) throws -> Entry {
        try store.addEntry(
            Entry(
                id: EntryID(rawValue: id ?? "local-\(UUID().uuidString.prefix(8).lowercased())"), tenant: Self.tenant,
                title: title, description: description, location: location, start: .instant(start),
                end: .instant(start.addingTimeInterval(hours * 3600)), timeZone: timeZone, updatedAt: now, origin: "local"))
    }

    @discardableResult
    func addAllDay(_ title: String, day: String, days: Int = 1) throws -> Entry {
        let start = try #require(DayDate(iso: day))
        let end = try #require(DayDate(iso: RFC3339.string(start.utcMidnight.addingTimeInterval(Double(days) * 86_400)).prefix(10).description))
        return try store.addEntry(
            Entry(
                id: EntryID(rawValue: "local-\(UUID().uuidString.prefix(8).lowercased())"), tenant: Self.tenant, title: title,
                start: .date(start), end: .date(end), updatedAt: now, origin: "local"))
    }

    func entries() throws -> [Entry] { try store.entries(tenant: Self.tenant) }

    func entry(titled title: String) throws -> Entry? { try entries().first { $0.title == title } }

    func mappings(_ ref: ProviderRef) throws -> [Mapping] { try store.mappings(of: ref) }

    // MARK: - The vendor side

    /// The events in the window as a fresh full read sees them.
    func vendorEvents(_ ref: ProviderRef) async throws -> [VendorEvent] {
        let window = SyncRange.interval(try provider(ref).applied.window, now: now)
        let client = try #require(clients[ref])
        return try await client.changes(calendarId: try provider(ref).applied.calendarId, cursor: nil, window: window).events
            .filter { !$0.isDeleted }
    }

    func calendar(_ ref: ProviderRef) -> (CalsyncEmulator.Vendor, String) {
        ref == Self.google ? (.google, Self.googleCalendar) : (.microsoft, Self.graphCalendar)
    }

    /// Every event of the calendar as the emulator holds it, deleted ones included.
    func raw(_ ref: ProviderRef) async throws -> [CalsyncEmulator.JSONValue] {
        let (vendor, calendar) = calendar(ref)
        return try await harness.events(vendor: vendor, calendarID: calendar)
    }

    /// Ids of the events the emulator holds, not deleted.
    func liveIDs(_ ref: ProviderRef) async throws -> Set<String> {
        Set(try await raw(ref).filter { $0["deleted"] != .bool(true) }.compactMap { $0["id"]?.stringValue })
    }

    /// Creates an event as the calendar's owner; returns its id.
    @discardableResult
    func ownerCreate(
        _ ref: ProviderRef, _ title: String, start: Date, hours: Double = 1, extra: [String: CalsyncEmulator.JSONValue] = [:]
    ) async throws -> String {
        let (vendor, calendar) = calendar(ref)
        let body = vendor == .google ? Owner.google(title, start: start, hours: hours, extra: extra) : Owner.graph(title, start: start, hours: hours, extra: extra)
        let created = try await harness.createEvent(vendor: vendor, calendarID: calendar, body)
        return try #require(created["id"]?.stringValue)
    }

    /// Edits an event's title as its owner.
    func ownerRename(_ ref: ProviderRef, _ id: String, to title: String) async throws {
        let (vendor, calendar) = calendar(ref)
        try await harness.updateEvent(
            vendor: vendor, calendarID: calendar, eventID: id, vendor == .google ? ["summary": .string(title)] : ["subject": .string(title)])
    }

    /// Moves an event as its owner.
    func ownerMove(_ ref: ProviderRef, _ id: String, start: Date, hours: Double = 1) async throws {
        let (vendor, calendar) = calendar(ref)
        let body: CalsyncEmulator.JSONValue =
            vendor == .google
            ? ["start": Owner.googleTime(start), "end": Owner.googleTime(start.addingTimeInterval(hours * 3600))]
            : ["start": Owner.graphTime(start), "end": Owner.graphTime(start.addingTimeInterval(hours * 3600))]
        try await harness.updateEvent(vendor: vendor, calendarID: calendar, eventID: id, body)
    }

    func ownerDelete(_ ref: ProviderRef, _ id: String) async throws {
        let (vendor, calendar) = calendar(ref)
        try await harness.deleteEvent(vendor: vendor, calendarID: calendar, eventID: id)
    }

    /// Makes every cursor of the provider's calendar answer 410.
    func expireCursors(_ ref: ProviderRef) async throws {
        if ref == Self.google {
            try await harness.invalidateGoogleSyncTokens(calendarID: Self.googleCalendar)
        } else {
            try await harness.invalidateGraphDelta(calendarID: Self.graphCalendar)
        }
    }

    /// Outbox events of `type`, oldest first.
    func outbox(_ type: NotificationEventType) throws -> [String] {
        try store.outboxEvents().filter { $0.type == type }.map(\.dedupeKey)
    }

    /// Vendor requests since the log was last cleared, as `METHOD path`.
    func vendorRequests() async throws -> [String] {
        try await harness.requests().entries.filter { !$0.path.hasPrefix("/_control") }.map { "\($0.method) \($0.path)" }
    }
}

/// Vendor JSON for events created as the owner through the control API.
enum Owner {
    static func googleTime(_ date: Date) -> CalsyncEmulator.JSONValue { ["dateTime": .string(RFC3339.string(date))] }

    static func graphTime(_ date: Date) -> CalsyncEmulator.JSONValue {
        ["dateTime": .string(String(RFC3339.string(date).dropLast())), "timeZone": "UTC"]
    }

    static func google(_ title: String, start: Date, hours: Double, extra: [String: CalsyncEmulator.JSONValue]) -> CalsyncEmulator.JSONValue {
        var object: [String: CalsyncEmulator.JSONValue] = [
            "summary": .string(title), "start": googleTime(start), "end": googleTime(start.addingTimeInterval(hours * 3600)),
        ]
        for (key, value) in extra { object[key] = value }
        return .object(object)
    }

    static func graph(_ title: String, start: Date, hours: Double, extra: [String: CalsyncEmulator.JSONValue]) -> CalsyncEmulator.JSONValue {
        var object: [String: CalsyncEmulator.JSONValue] = [
            "subject": .string(title), "start": graphTime(start), "end": graphTime(start.addingTimeInterval(hours * 3600)),
        ]
        for (key, value) in extra { object[key] = value }
        return .object(object)
    }
}
