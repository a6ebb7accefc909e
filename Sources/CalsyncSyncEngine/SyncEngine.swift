import CalsyncModel
import CalsyncProviders
import CalsyncSync
import Foundation

/// Syncs one provider: reads the vendor's changes, pairs them with the tenant's entries through the
/// mappings, decides each pair (`SyncRules`), and carries the decisions out, each step atomic and
/// committed in batches (SPEC section 8).
///
/// The engine never prints and never reads the clock: progress goes to `progress`, `now` is passed in.
public struct SyncEngine: Sendable {
    let store: any SyncStore
    let client: any CalendarClient
    let newEntryID: @Sendable () -> EntryID
    let progress: @Sendable (SyncProgress) -> Void
    let batchSize: Int

    /// How many steps one transaction commits unless told otherwise: a 10,000-event pull commits in 4
    /// transactions, each holding the write lock for about a tenth of a second. Smaller batches write the
    /// same index pages to the WAL again in every commit (500 a batch: 12 % slower); larger ones gain
    /// little and keep more pages in memory.
    public static let defaultBatchSize = 2500

    /// - Parameters:
    ///   - store: Mappings, cursors, entries and the outbox.
    ///   - client: The provider's authorized vendor client.
    ///   - newEntryID: Ids for entries pulled from the vendor.
    ///   - batchSize: How many steps nothing outside the state depends on are committed in one transaction.
    ///   - progress: Told what the sync is doing (a terminal's progress line).
    public init(
        store: any SyncStore, client: any CalendarClient, newEntryID: @escaping @Sendable () -> EntryID,
        batchSize: Int = defaultBatchSize, progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }
    ) {
        self.store = store
        self.client = client
        self.newEntryID = newEntryID
        self.batchSize = max(1, batchSize)
        self.progress = progress
    }

    /// Syncs `provider` once.
    ///
    /// - Parameters:
    ///   - provider: The provider as the state records it (its applied spec decides direction, policy,
    ///     window and delete budget).
    ///   - now: The instant the window is computed from and steps are stamped with.
    ///   - full: Read every event in the window instead of the changes since the cursor.
    /// - Returns: The counts and outcome; never throws: a failure is the report's outcome.
    public func sync(_ provider: ProviderState, now: Date, full: Bool = false) async -> SyncReport {
        var run = SyncRun(engine: self, provider: provider, now: now)
        await run.execute(full: full)
        return run.report
    }
}

/// One pair on its way through a sync: the pair the rules see, plus what the engine knows about it.
struct WorkItem: Sendable {
    var pair: SyncPair
    /// The mapping was built by this sync (a re-adoption) and is not stored yet.
    var isNewMapping = false
    /// The vendor side was read by id this sync, so an absent event is really gone.
    var isRemoteVerified = false

    var mapping: Mapping? { pair.mapping }
}

/// Why carrying out a step stopped.
enum StepFailure {
    /// The vendor side moved (412): read it again and decide again.
    case moved
    /// The vendor event is gone (404, 410).
    case gone
    /// Another writer changed the mapping or entry: leave the pair to the next sync.
    case skip
    /// This event failed; the rest go on. `retryable` failures are tried again on the next sync.
    case event(String, retryable: Bool)
    /// The whole sync stops.
    case stop(SyncReport.Outcome)

    init(_ error: any Error) {
        switch error {
        case AuthorizationError.invalidGrant(let message):
            self = .stop(.authorizationRequired(message))
        case let error as VendorError:
            if error.isQuotaExhausted || error.isUnauthorized {
                self = .stop(.failed(Self.text(error)))
            } else if error.status == 412 {
                self = .moved
            } else if error.status == 404 || error.status == 410 {
                self = .gone
            } else {
                self = .event(Self.text(error), retryable: error.isRetryable)
            }
        case let error as CalendarClientError: self = .event(error.message, retryable: error.isRetryable)
        case let error as TransportError: self = .event(error.description, retryable: error.isRetryable)
        case let error as RetryError: self = .event(error.description, retryable: error.isRetryable)
        case let error as MappingError where error.kind == .moved: self = .skip
        case let error as PairIncomplete: self = .event(error.description, retryable: true)
        case let error as PairInvalid: self = .event(error.description, retryable: false)
        default: self = .stop(.failed(Self.text(error)))
        }
    }

    /// The vendor's own words for `error` (its message, verbatim), or the error's description.
    static func text(_ error: any Error) -> String {
        if let error = error as? VendorError, !error.message.isEmpty { return error.message }
        return "\(error)"
    }
}

/// A decision reached the engine without the side it writes from: a fault of the engine, reported on the
/// pair (and tried again next sync) rather than passed over in silence.
struct PairIncomplete: Error, CustomStringConvertible {
    var description: String
}

/// A vendor event whose content no entry can hold; the pair fails until the event changes.
struct PairInvalid: Error, CustomStringConvertible {
    var description: String
}

/// The stop that ends a sync early, carrying its outcome.
struct SyncStopped: Error {
    var outcome: SyncReport.Outcome
}

/// One run of `SyncEngine.sync`: the state of the sync while it goes.
struct SyncRun {
    let engine: SyncEngine
    let provider: ProviderState
    let now: Date
    let rules: SyncRules
    var report: SyncReport
    /// Steps waiting to be committed together (`commitHeld`).
    var held: [HeldStep] = []

    var ref: ProviderRef { provider.ref }
    var spec: ProviderSpec { provider.applied }
    var store: any SyncStore { engine.store }
    var client: any CalendarClient { engine.client }

    init(engine: SyncEngine, provider: ProviderState, now: Date) {
        self.engine = engine
        self.provider = provider
        self.now = now
        rules = SyncRules(
            ref: provider.ref, direction: provider.applied.syncDirection, conflictPolicy: provider.applied.conflictPolicy,
            window: SyncRange.interval(provider.applied.window, now: now))
        report = SyncReport(ref: provider.ref, at: now)
    }

    mutating func execute(full: Bool) async {
        do {
            try await run(full: full)
        } catch let stopped as SyncStopped {
            report.outcome = stopped.outcome
        } catch {
            if case .stop(let outcome) = StepFailure(error) {
                report.outcome = outcome
            } else {
                report.outcome = .failed(StepFailure.text(error))
            }
        }
        // What a stopped sync decided before it stopped is kept; the cursor stays where it was.
        try? commitHeld()
        report.conflicts = (try? store.conflictCount(of: ref)) ?? report.conflicts
        notify()
    }

    private mutating func run(full: Bool) async throws {
        try store.clearNotificationPending(ref)
        let changes = try await readChanges(full: full)
        engine.progress(.read(events: changes.events.count))

        let mappings = try store.mappings(of: ref)
        let entries = try store.entries(tenant: ref.tenant, from: nil, to: nil)
        let sourceKeys = try store.sourceKeys(tenant: ref.tenant)
        var items = pairs(changes: changes, mappings: mappings, entries: entries, sourceKeys: sourceKeys)

        // Decide every pair before writing anything, so the delete budget is checked before the first delete.
        var decided: [(WorkItem, SyncDecision)] = []
        for index in items.indices {
            do {
                let decision = try await decide(&items[index])
                decided.append((items[index], decision))
            } catch {
                // A read this pair needed failed: the pair waits for the next sync, the rest go on.
                if case .stop(let outcome) = StepFailure(error) { throw SyncStopped(outcome: outcome) }
                try await recover(&items[index], from: error, depth: 2)
            }
        }
        let deletions = decided.filter { $0.1.isDeletion }.count
        guard deletions <= spec.maxDeletesPerSync else {
            throw SyncStopped(outcome: .deleteBudgetExceeded(deletions: deletions, budget: spec.maxDeletesPerSync))
        }

        // Local writes first, then vendor creates and updates, deletions last.
        let ordered = decided.enumerated().sorted { lhs, rhs in
            (Self.phase(lhs.element.1), lhs.offset) < (Self.phase(rhs.element.1), rhs.offset)
        }.map(\.element)
        let total = ordered.filter { $0.1 != .nothing }.count
        var done = 0
        // New entries are created in batches (Graph `$batch`, 20 a request).
        var batch: [WorkItem] = []
        func flush(_ run: inout SyncRun) async throws {
            guard !batch.isEmpty else { return }
            try await run.pushCreates(&batch)
            done += batch.count
            batch.removeAll()
            run.engine.progress(.applying(done: done, total: total))
        }
        for (item, decision) in ordered where decision != .nothing {
            if decision == .pushCreate, item.mapping == nil {
                batch.append(item)
                if batch.count == Self.createBatchSize { try await flush(&self) }
                continue
            }
            if Self.phase(decision) > 1 { try await flush(&self) }
            var item = item
            try await carryOut(&item, decision, depth: 0)
            done += 1
            engine.progress(.applying(done: done, total: total))
        }
        try await flush(&self)
        try commitHeld()
        try store.setCursor(SyncCursor(value: changes.cursor, window: rules.window), of: ref)
    }

    /// How many new vendor events one `createEvents` call carries (Graph's `$batch` limit).
    static let createBatchSize = 20

    /// The order decisions are carried out in: local writes, vendor writes, deletions.
    static func phase(_ decision: SyncDecision) -> Int {
        switch decision.action {
        case .pushCreate, .pushUpdate: return 1
        case .pushDelete, .deleteStray, .pullDelete: return 2
        default: return 0
        }
    }

    // MARK: - Reading

    /// One complete round of changes: from the cursor when it was read for this window, else in full;
    /// an expired cursor is forgotten (the provider shows `cursor_expired` until a new one is stored) and
    /// the round is read in full.
    private mutating func readChanges(full: Bool) async throws -> ChangeSet {
        let stored = full ? nil : try store.cursor(of: ref)
        let cursor = stored?.window == rules.window ? stored : nil
        report.wasFullRead = cursor == nil
        engine.progress(.reading(full: cursor == nil))
        do {
            return try await client.changes(calendarId: spec.calendarId, cursor: cursor?.value, window: rules.window)
        } catch is CursorExpired {
            try store.expireCursor(of: ref)
            report.wasFullRead = true
            engine.progress(.reading(full: true))
            return try await client.changes(calendarId: spec.calendarId, cursor: nil, window: rules.window)
        }
    }

    // MARK: - Pairing

    /// Pairs every vendor change, every mapping and every unmapped entry.
    ///
    /// An event is paired with the mapping that recorded its id; else with the mapping its stamp names
    /// (a create whose answer was lost, or a duplicate); else with an entry a provider declared again
    /// pulled or pushed before (its source key or derived mapping id); else it is new.
    private func pairs(changes: ChangeSet, mappings: [Mapping], entries: [Entry], sourceKeys: [EntryID: String]) -> [WorkItem] {
        var byVendorID: [String: Mapping] = [:]
        var bySeries: [String: [Mapping]] = [:]
        var byID: [MappingID: Mapping] = [:]
        var mappedEntries = Set<EntryID>()
        for mapping in mappings {
            if let id = mapping.vendorEventID { byVendorID[id] = mapping }
            if let series = mapping.seriesID, mapping.isLive { bySeries[series, default: []].append(mapping) }
            byID[mapping.id] = mapping
            if let entry = mapping.entryID { mappedEntries.insert(entry) }
        }
        let entriesByID = Dictionary(entries.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        let entryBySourceKey = Dictionary(sourceKeys.map { ($1, $0) }, uniquingKeysWith: { first, _ in first })

        var remotes: [MappingID: RemoteSide] = [:]
        var extra: [WorkItem] = []
        var latest: [String: VendorEvent] = [:]
        var order: [String] = []
        for event in changes.events {
            if latest[event.id] == nil { order.append(event.id) }
            latest[event.id] = event
        }
        var adoptedEntries = Set<EntryID>()
        for id in order {
            guard let event = latest[id] else { continue }
            // An event with no times cannot be compared; it is left alone.
            if !event.isDeleted, event.start == nil || event.end == nil { continue }
            if let mapping = byVendorID[event.id] {
                remotes[mapping.id] = event.isDeleted ? .absent : .event(event)
                continue
            }
            if event.isDeleted {
                // A deleted series: its instances are read by id before anything is decided.
                for instance in bySeries[event.id] ?? [] where remotes[instance.id] == nil { remotes[instance.id] = .absent }
                continue
            }
            // An entry pulled from this event before the provider's mappings were lost.
            let key = SyncIdentity.sourceKey(ref: ref, vendorEventID: event.id)
            if let entryID = entryBySourceKey[key], let entry = entriesByID[entryID], !mappedEntries.contains(entryID),
                !adoptedEntries.contains(entryID)
            {
                adoptedEntries.insert(entryID)
                extra.append(readopted(SyncIdentity.mappingID(for: ref, entry: entryID), entry: entry, event: event))
                continue
            }
            if let stamp = event.stamp {
                guard stamp.tenant == ref.tenant, stamp.provider == ref.provider else { continue }
                let named = MappingID(rawValue: stamp.mapping)
                if let mapping = byID[named] {
                    if mapping.vendorEventID == nil {
                        remotes[mapping.id] = .event(event)
                    } else {
                        extra.append(WorkItem(pair: SyncPair(mapping: mapping, local: local(mapping, entriesByID), remote: .event(event))))
                    }
                } else if let entry = entries.first(where: { SyncIdentity.mappingID(for: ref, entry: $0.id) == named }),
                    !mappedEntries.contains(entry.id), !adoptedEntries.contains(entry.id)
                {
                    adoptedEntries.insert(entry.id)
                    extra.append(readopted(named, entry: entry, event: event))
                }
                continue
            }
            extra.append(WorkItem(pair: SyncPair(mapping: nil, local: .absent, remote: .event(event))))
        }
        for id in changes.leftWindow {
            if let mapping = byVendorID[id], remotes[mapping.id] == nil { remotes[mapping.id] = .leftWindow }
        }

        var items: [WorkItem] = []
        for mapping in mappings where mapping.isLive {
            let local = local(mapping, entriesByID)
            var remote = remotes[mapping.id] ?? .unchanged
            if remotes[mapping.id] == nil, changes.isFull, mapping.vendorEventID != nil {
                // Missing from a listing read to its end: deleted, or outside the window. The event is read
                // by id before anything is decided.
                let entryInWindow: Bool
                if case .entry(let entry) = local { entryInWindow = rules.isInWindow(entry) } else { entryInWindow = false }
                let parkedOutside = mapping.status == .parked && !entryInWindow
                if !parkedOutside { remote = .absent }
            }
            items.append(WorkItem(pair: SyncPair(mapping: mapping, local: local, remote: remote)))
        }
        for entry in entries where !mappedEntries.contains(entry.id) && !adoptedEntries.contains(entry.id) {
            items.append(WorkItem(pair: SyncPair(mapping: nil, local: .entry(entry), remote: .absent)))
        }
        return items + extra
    }

    private func local(_ mapping: Mapping, _ entries: [EntryID: Entry]) -> LocalSide {
        mapping.entryID.flatMap { entries[$0] }.map(LocalSide.entry) ?? .absent
    }

    /// A pair found again after its mapping was lost (the provider was deleted and declared again): the
    /// vendor side is taken as the base, so the entry is compared with it like a local edit.
    private func readopted(_ id: MappingID, entry: Entry, event: VendorEvent) -> WorkItem {
        let mapping = Mapping(
            id: id, ref: ref, entryID: entry.id, vendorEventID: event.id, etag: event.etag, localHash: nil,
            remoteHash: ContentHash.of(event), status: .pending)
        return WorkItem(pair: SyncPair(mapping: mapping, local: .entry(entry), remote: .event(event)), isNewMapping: true)
    }

    // MARK: - Deciding

    /// Decides `item`, first reading what the decision needs: a reported deletion is checked by id, a
    /// lost create is looked for by its stamp, a missing vendor side is read, a found one is adopted.
    mutating func decide(_ item: inout WorkItem) async throws -> SyncDecision {
        for _ in 0..<6 {
            if let mapping = item.mapping, mapping.isLive, let id = mapping.vendorEventID, item.pair.remote == .absent,
                !item.isRemoteVerified
            {
                // A vendor deletion (or an event missing from a full listing) is checked before it is acted on:
                // Graph reports events outside the range as deleted.
                item.pair.remote = try await readEvent(id)
                item.isRemoteVerified = true
                continue
            }
            let decision = rules.decision(for: item.pair)
            switch decision {
            case .findByStamp:
                guard let mapping = item.mapping else { return .nothing }
                if let found = try await client.event(calendarId: spec.calendarId, stampedWith: mapping.stamp), !found.isDeleted {
                    item.pair.remote = .event(found)
                }
                item.pair.isStampChecked = true
            case .fetchRemote:
                guard let id = item.mapping?.vendorEventID else { return .nothing }
                item.pair.remote = try await readEvent(id)
                item.isRemoteVerified = true
            case .adopt:
                guard var mapping = item.mapping, let event = item.pair.event else { return .nothing }
                let expected = item.isNewMapping ? nil : mapping.version
                mapping.vendorEventID = event.id
                mapping.etag = event.etag
                mapping.remoteHash = ContentHash.of(event)
                mapping.status = .synced
                mapping.lastSyncedAt = now
                mapping.error = nil
                item.pair.mapping = try hold(SyncStep(mapping: mapping, expectedVersion: expected))
                item.isNewMapping = false
                item.pair.remote = .event(event)
            default:
                return decision
            }
        }
        return .nothing
    }

    /// The vendor event `id` as the vendor has it now.
    func readEvent(_ id: String) async throws -> RemoteSide {
        guard let event = try await client.event(calendarId: spec.calendarId, id: id), !event.isDeleted else { return .absent }
        return .event(event)
    }

    // MARK: - Notifications

    /// Queues the provider-level events: an error, a needed authorization, a recovery.
    private func notify() {
        let previous = provider.lastSync?.result
        func event(_ type: NotificationEventType, _ message: String, _ key: String) {
            try? store.enqueue(
                NotificationEvent(type: type, tenant: ref.tenant, provider: ref.provider, at: now, message: message, dedupeKey: key))
        }
        switch report.outcome {
        case .authorizationRequired:
            // Revoking the credential queues `authorization_required` (the caller does it).
            return
        case .failed, .deleteBudgetExceeded:
            event(.error, "sync of \(ref) failed: \(report.errorText ?? "")", "error:\(ref)")
        case .completed:
            if !report.failures.isEmpty {
                event(.error, "sync of \(ref): \(report.errorText ?? "")", "error:\(ref)")
            } else if previous == .failed || previous == .deleteBudgetExceeded {
                event(.syncRecovered, "sync of \(ref) succeeded again (\(report.countsLine)).", "sync_recovered:\(ref):\(RFC3339.string(now))")
            }
        }
    }
}
