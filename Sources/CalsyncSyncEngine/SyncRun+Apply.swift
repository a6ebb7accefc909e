import CalsyncModel
import CalsyncProviders
import CalsyncSync
import Foundation

/// Carrying decisions out: every step writes its entry change, mapping and events atomically; steps are
/// committed in batches (`hold`), except a mapping a vendor create is about to depend on (`commitNow`).
extension SyncRun {
    /// Carries `decision` out for `item`; a 412 or a vanished event is read again and decided once more,
    /// a failing event marks its mapping `error` and the sync goes on.
    mutating func carryOut(_ item: inout WorkItem, _ decision: SyncDecision, depth: Int) async throws {
        do {
            try await perform(&item, decision)
        } catch let stopped as SyncStopped {
            throw stopped
        } catch {
            try await recover(&item, from: error, depth: depth)
        }
    }

    /// What a failed step leads to: decide again after a 412 or a vanished event, mark the mapping
    /// `error` for a failing event, stop the sync for what stops it.
    mutating func recover(_ item: inout WorkItem, from error: any Error, depth: Int) async throws {
        let failure = StepFailure(error)
        switch failure {
        case .moved where depth < 2, .gone where depth < 2:
            // The vendor side moved or vanished since it was read: read it again, decide again.
            do {
                if case .moved = failure, let id = item.mapping?.vendorEventID {
                    item.pair.remote = try await readEvent(id)
                } else {
                    item.pair.remote = .absent
                }
                item.isRemoteVerified = true
                try await carryOut(&item, try await decide(&item), depth: depth + 1)
            } catch let stopped as SyncStopped {
                throw stopped
            } catch {
                try await recover(&item, from: error, depth: 2)
            }
        case .moved, .gone:
            try recordFailure(&item, "the vendor event kept changing while it was written", retryable: true)
        case .skip:
            return
        case .event(let message, let retryable):
            try recordFailure(&item, message, retryable: retryable)
        case .stop(let outcome):
            throw SyncStopped(outcome: outcome)
        }
    }

    /// Creates the vendor events of new entries with one `createEvents` call: every mapping is recorded
    /// `pending` first, each result is recorded on its own, and a failed create is handled as a single
    /// create's failure would be (a Google 409 falls back to the generation loop of `pushCreate`).
    mutating func pushCreates(_ items: inout [WorkItem]) async throws {
        let candidates = items.indices.compactMap { index in items[index].pair.entry.map { (index, $0) } }
        let steps = candidates.map { _, entry in
            SyncStep(
                mapping: Mapping(
                    id: SyncIdentity.mappingID(for: ref, entry: entry.id), ref: ref, entryID: entry.id,
                    localHash: ContentHash.of(entry), status: .pending),
                expectedVersion: nil)
        }
        // The pending mappings are committed, in one transaction, before the vendor sees the creates.
        try commitHeld()
        var drafts: [(EventDraft, idempotencyKey: String)] = []
        var pending: [Int] = []
        for ((index, entry), result) in zip(candidates, try store.record(steps)) {
            switch result {
            case .success(let mapping):
                items[index].pair.mapping = mapping
                drafts.append(
                    (draft(entry, mapping), CalendarClients.idempotencyKey(vendor: spec.vendor, stamp: mapping.stamp, generation: 0)))
                pending.append(index)
            case .failure(let error):
                try await recover(&items[index], from: error, depth: 0)
            }
        }
        guard !drafts.isEmpty else { return }
        let results = try await client.createEvents(calendarId: spec.calendarId, drafts)
        for (index, result) in zip(pending, results) {
            switch result {
            case .success(let created):
                items[index].pair.remote = .event(created)
                try record(&items[index], counting: \.pushed) { _ in }
            case .failure(let error as VendorError) where error.status == 409 && spec.vendor == .google:
                items[index].isRemoteVerified = true
                try await carryOut(&items[index], .pushCreate, depth: 1)
            case .failure(let error):
                try await recover(&items[index], from: error, depth: 0)
            }
        }
    }

    private mutating func perform(_ item: inout WorkItem, _ decision: SyncDecision) async throws {
        // A pair decided again after a 412 may turn into a deletion the budget did not count.
        if decision.isDeletion, report.deleted >= spec.maxDeletesPerSync {
            throw PairIncomplete(
                description: "deleting would pass maxDeletesPerSync (\(spec.maxDeletesPerSync)) in this sync; the next sync decides it again")
        }
        switch decision.action {
        case .nothing, .adopt, .findByStamp, .fetchRemote, .settled:
            return
        case .rebase:
            try record(&item) { _ in }
        case .park:
            try record(&item, status: .parked) { _ in }
        case .forget:
            try record(&item, status: .deleted) { _ in }
        case .conflict:
            try recordConflict(&item)
        case .pullCreate:
            try pullCreate(&item)
        case .pullUpdate:
            try pullUpdate(&item)
        case .pullDelete:
            try pullDelete(&item)
        case .pushCreate:
            try await pushCreate(&item)
        case .pushUpdate:
            try await pushUpdate(&item)
        case .pushDelete:
            try await pushDelete(&item)
        case .deleteStray:
            guard let stray = item.pair.event else { return }
            try await client.deleteEvent(calendarId: spec.calendarId, id: stray.id, ifMatch: nil)
            report.deleted += 1
        }
    }

    // MARK: - Recording

    /// Records the pair's current sides as the mapping's base, with `status` (default: `synced`, or
    /// `parked` outside the window), in one transaction with `entry`.
    private mutating func record(
        _ item: inout WorkItem, status: MappingStatus? = nil, entry write: EntryWrite? = nil,
        counting counted: WritableKeyPath<SyncReport, Int>? = nil, _ change: (inout Mapping) -> Void
    ) throws {
        guard var mapping = item.mapping else { return }
        let expected = item.isNewMapping ? nil : mapping.version
        if let entry = item.pair.entry { mapping.localHash = ContentHash.of(entry) }
        if let event = item.pair.event {
            mapping.remoteHash = ContentHash.of(event)
            mapping.etag = event.etag
            mapping.vendorEventID = event.id
            mapping.seriesID = event.seriesID
        }
        mapping.status = status ?? (isOutsideWindow(item.pair) ? .parked : .synced)
        mapping.lastSyncedAt = now
        mapping.error = nil
        mapping.attempt = nil
        mapping.resolution = nil
        change(&mapping)
        let clearsConflict = item.mapping?.status == .conflict || item.mapping?.resolution != nil
        item.pair.mapping = try hold(
            SyncStep(entry: write, mapping: mapping, expectedVersion: expected, conflict: clearsConflict ? .clear : nil),
            counting: counted)
        item.isNewMapping = false
    }

    mutating func recordFailure(_ item: inout WorkItem, _ message: String, retryable: Bool) throws {
        report.failures.append(SyncReport.Failure(mapping: item.mapping?.id, message: message))
        guard var mapping = item.mapping, !item.isNewMapping else { return }
        mapping.status = .error
        mapping.error = message
        mapping.attempt = retryable ? nil : SyncRules.fingerprint(of: item.pair)
        item.pair.mapping = try hold(SyncStep(mapping: mapping, expectedVersion: mapping.version))
    }

    private func isOutsideWindow(_ pair: SyncPair) -> Bool {
        if pair.remote == .leftWindow { return true }
        if let entry = pair.entry, !rules.isInWindow(entry) { return true }
        if let event = pair.event, !rules.isInWindow(event) { return true }
        return false
    }

    // MARK: - Conflicts

    /// Puts the mapping in conflict with both versions; the `conflict` event is queued once, when the
    /// conflict is first seen. A conflict seen again refreshes the vendor's version when it was read.
    private mutating func recordConflict(_ item: inout WorkItem) throws {
        guard var mapping = item.mapping else { return }
        let isNew = mapping.status != .conflict
        guard isNew || item.pair.event != nil || item.isRemoteVerified else { return }
        let record = ConflictRecord(
            mapping: mapping.id, ref: ref, entryID: mapping.entryID, externalID: mapping.vendorEventID, detectedAt: now,
            local: item.pair.entry.map(EventVersion.init), external: item.pair.event.flatMap(EventVersion.init))
        var events: [NotificationEvent] = []
        if isNew {
            let fingerprint = SyncRules.fingerprint(of: item.pair)
            events.append(
                NotificationEvent(
                    type: .conflict, tenant: ref.tenant, provider: ref.provider, at: now,
                    message: "mapping \(mapping.id) of \(ref) changed on both sides (entry \(mapping.entryID?.rawValue ?? "deleted"), event \(mapping.vendorEventID ?? "deleted")). Run `calsync conflicts list --tenant \(ref.tenant)` and `calsync conflicts resolve \(mapping.id) --keep local|external --tenant \(ref.tenant)`.",
                    dedupeKey: "conflict:\(mapping.id):\(fingerprint)"))
        }
        let expected = item.isNewMapping ? nil : mapping.version
        mapping.status = .conflict
        mapping.error = nil
        item.pair.mapping = try hold(
            SyncStep(mapping: mapping, expectedVersion: expected, conflict: .record(record), events: events),
            counting: isNew ? \.newConflicts : nil)
        item.isNewMapping = false
    }

    // MARK: - Pulls

    private mutating func pullCreate(_ item: inout WorkItem) throws {
        // A restored entry gets a new id: other providers keep the old one's mappings as deleted.
        guard let event = item.pair.event, let entry = try pulledEntry(event, id: engine.newEntryID(), version: 1) else {
            throw PairIncomplete(description: "pullCreate without the vendor event's times")
        }
        if item.mapping == nil {
            item.pair.mapping = Mapping(id: SyncIdentity.mappingID(for: ref, entry: entry.id), ref: ref, entryID: entry.id)
            item.isNewMapping = true
        }
        item.pair.local = .entry(entry)
        let sourceKey = SyncIdentity.sourceKey(ref: ref, vendorEventID: event.id)
        try record(&item, entry: .insert(entry, sourceKey: sourceKey), counting: \.pulled) { $0.entryID = entry.id }
    }

    private mutating func pullUpdate(_ item: inout WorkItem) throws {
        guard let event = item.pair.event, let current = item.pair.entry,
            var entry = try pulledEntry(event, id: current.id, version: current.version + 1)
        else { throw PairIncomplete(description: "pullUpdate without both sides") }
        // A zone the vendor does not name is kept from the entry.
        if entry.timeZone == nil, !entry.isAllDay { entry.timeZone = current.timeZone }
        entry.origin = current.origin
        item.pair.local = .entry(entry)
        try record(&item, entry: .update(entry, expectedVersion: current.version), counting: \.pulled) { _ in }
    }

    private mutating func pullDelete(_ item: inout WorkItem) throws {
        let write = item.pair.entry.map { EntryWrite.delete($0.id, expectedVersion: $0.version) }
        try record(&item, status: .deleted, entry: write, counting: write != nil ? \.deleted : nil) { _ in }
    }

    /// The entry a vendor event becomes; nil for an event without times.
    /// - Throws: `PairInvalid` for times no entry can hold (an end not after the start, a date against an instant).
    private func pulledEntry(_ event: VendorEvent, id: EntryID, version: Int) throws -> Entry? {
        guard let start = event.start, let end = event.end else { return nil }
        guard start.isDate == end.isDate, end > start else {
            throw PairInvalid(description: "vendor event \(event.id) runs from \(start) to \(end), which no entry can hold; correct it at the vendor")
        }
        return Entry(
            id: id, tenant: ref.tenant, title: event.title, description: event.description, location: event.location,
            start: start, end: end, timeZone: start.isDate ? nil : event.timeZone, version: version, updatedAt: now,
            origin: ref.description)
    }

    // MARK: - Pushes

    /// Creates the vendor event idempotently: the mapping is recorded `pending` first, the create carries
    /// a key derived from the stamp and the mapping's generation (`CalendarClients.idempotencyKey`), and a
    /// Google 409 for a used-up id moves to the next generation.
    private mutating func pushCreate(_ item: inout WorkItem) async throws {
        guard let entry = item.pair.entry else { throw PairIncomplete(description: "pushCreate without an entry") }
        var mapping = item.mapping ?? Mapping(id: SyncIdentity.mappingID(for: ref, entry: entry.id), ref: ref, entryID: entry.id)
        let isNew = item.mapping == nil || item.isNewMapping
        if mapping.vendorEventID != nil {
            // Re-creating an event that was deleted at the vendor: its id is used up.
            mapping.generation += 1
            mapping.vendorEventID = nil
            mapping.etag = nil
            mapping.remoteHash = nil
        }
        mapping.localHash = ContentHash.of(entry)
        mapping.status = .pending
        mapping.entryID = entry.id
        let startedWithResolution = item.mapping?.resolution != nil || item.mapping?.status == .conflict
        mapping = try commitNow(
            SyncStep(mapping: mapping, expectedVersion: isNew ? nil : mapping.version, conflict: startedWithResolution ? .clear : nil))
        item.pair.mapping = mapping
        item.isNewMapping = false

        var created: VendorEvent?
        for _ in 0..<3 {
            let key = CalendarClients.idempotencyKey(vendor: spec.vendor, stamp: mapping.stamp, generation: mapping.generation)
            do {
                created = try await client.createEvent(calendarId: spec.calendarId, draft(entry, mapping), idempotencyKey: key)
                break
            } catch let error as VendorError where error.status == 409 && spec.vendor == .google {
                // The derived id is used up (Google keeps a deleted event's id; an event of ours that landed
                // earlier is returned by the client instead): move to the next generation.
                mapping.generation += 1
                mapping = try commitNow(SyncStep(mapping: mapping, expectedVersion: mapping.version))
                item.pair.mapping = mapping
            }
        }
        guard let created else {
            throw VendorError(status: 409, format: .google, code: "duplicate", message: "no free event id after three generations")
        }
        item.pair.remote = .event(created)
        try record(&item, counting: \.pushed) { _ in }
    }

    private mutating func pushUpdate(_ item: inout WorkItem) async throws {
        guard let entry = item.pair.entry, let mapping = item.mapping, let id = mapping.vendorEventID else {
            throw PairIncomplete(description: "pushUpdate without an entry and a vendor event")
        }
        let etag = item.pair.event?.etag ?? mapping.etag
        let updated = try await client.updateEvent(calendarId: spec.calendarId, id: id, draft(entry, mapping), ifMatch: etag)
        item.pair.remote = .event(updated)
        try record(&item, counting: \.pushed) { _ in }
    }

    private mutating func pushDelete(_ item: inout WorkItem) async throws {
        guard let mapping = item.mapping, let id = mapping.vendorEventID else {
            throw PairIncomplete(description: "pushDelete without a vendor event")
        }
        let etag = item.pair.event?.etag ?? mapping.etag
        try await client.deleteEvent(calendarId: spec.calendarId, id: id, ifMatch: etag)
        item.pair.remote = .absent
        try record(&item, status: .deleted, counting: \.deleted) { _ in }
    }

    private func draft(_ entry: Entry, _ mapping: Mapping) -> EventDraft {
        EventDraft(
            title: entry.title, description: entry.description, location: entry.location, start: entry.start, end: entry.end,
            timeZone: entry.isAllDay ? nil : entry.timeZone, stamp: mapping.stamp)
    }
}
