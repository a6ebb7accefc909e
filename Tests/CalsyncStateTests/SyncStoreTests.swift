import CalsyncModel
import Foundation
import GRDB
import Testing

@testable import CalsyncState

/// Mappings, cursors, conflicts and sync steps against a real SQLite file.
@Suite struct SyncStoreTests {
    let directory = NSTemporaryDirectory() + "calsync-sync-" + UUID().uuidString
    var path: String { directory + "/state.db" }

    static let acme = TenantName(rawValue: "acme")!
    static let globex = TenantName(rawValue: "globex")!
    static let ref = ProviderRef("acme/google-main")!
    static let now = Date(timeIntervalSince1970: 1_767_603_600)
    static let card = ProviderCardState(
        ready: Condition(status: .true, reason: .converged, message: "up to date", lastTransitionTime: now), pendingActions: [])

    /// A store whose state knows acme (with one provider) and globex.
    func store() throws -> SQLiteStateStore {
        let store = try SQLiteStateStore(path: path, mode: .readWrite)
        try store.apply(.recordTenant(TenantSpec(name: Self.acme)))
        try store.apply(.recordTenant(TenantSpec(name: Self.globex)))
        let spec = ProviderSpec(ref: Self.ref, vendor: .google, calendarId: "primary")
        try store.apply(.recordProvider(ProviderState(ref: Self.ref, applied: spec, credential: .valid), card: Self.card))
        return store
    }

    static func entry(_ id: String = "e1", title: String = "Board") -> Entry {
        Entry(
            id: EntryID(rawValue: id), tenant: acme, title: title, start: .instant(now), end: .instant(now.addingTimeInterval(3600)),
            updatedAt: now, origin: "acme/google-main")
    }

    static func mapping(_ id: String = "m1", entry: String = "e1", event: String? = "v1", status: MappingStatus = .synced) -> Mapping {
        Mapping(
            id: MappingID(rawValue: id), ref: ref, entryID: EntryID(rawValue: entry), vendorEventID: event, etag: "\"1\"",
            localHash: "l", remoteHash: "r", status: status, lastSyncedAt: now)
    }

    static func conflictRecord(_ id: String = "m1") -> ConflictRecord {
        ConflictRecord(
            mapping: MappingID(rawValue: id), ref: ref, entryID: EntryID(rawValue: "e1"), externalID: "v1", detectedAt: now,
            local: EventVersion(entry(title: "Local title")),
            external: EventVersion(
                title: "Vendor title", description: nil, location: nil, start: "2026-01-05T09:00:00Z", end: "2026-01-05T10:00:00Z",
                allDay: false, timeZone: nil, updatedAt: now))
    }

    func outbox(_ store: SQLiteStateStore) throws -> [String] {
        try store.read { try String.fetchAll($0, sql: "SELECT dedupeKey FROM outbox ORDER BY id") }
    }

    @Test func aPullIsOneTransactionOfEntryMappingAndEvents() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try store()
        let serial = try store.serial()
        // When a pulled entry, its mapping and an event are recorded as one step
        let stored = try store.record(
            SyncStep(
                entry: .insert(Self.entry(), sourceKey: "calsync:acme/google-main/v1"), mapping: Self.mapping(), expectedVersion: nil,
                events: [NotificationEvent(type: .error, tenant: Self.acme, provider: Self.ref.provider, at: Self.now, message: "m", dedupeKey: "k")]))
        // Then all three are there, the mapping at version 1, and the serial did not move
        #expect(stored.version == 1)
        #expect(try store.mappings(of: Self.ref) == [stored])
        #expect(try store.mapping(MappingID(rawValue: "m1"), of: Self.ref) == stored)
        #expect(try store.entry(EntryID(rawValue: "e1"), tenant: Self.acme).origin == "acme/google-main")
        #expect(try store.sourceKeys(tenant: Self.acme)[EntryID(rawValue: "e1")] == "calsync:acme/google-main/v1")
        #expect(try outbox(store) == ["k"])
        #expect(try store.serial() == serial, "entries and mappings are not what a plan reads")
        #expect(try store.snapshot().providers.first?.mappingCount == 1)
    }

    @Test func aStepDecidedOnAnOldVersionWritesNothing() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try store()
        let first = try store.record(SyncStep(entry: .insert(Self.entry(), sourceKey: nil), mapping: Self.mapping(), expectedVersion: nil))
        // Given an operator reset the mapping meanwhile
        _ = try store.resetMapping(first.id, tenant: Self.acme)
        // When a step decided on version 1 arrives, Then it is refused and neither the entry nor the mapping changes
        var next = first
        next.localHash = "changed"
        var edited = Self.entry(title: "Changed")
        edited.version = 2
        #expect(throws: MappingError.self) {
            try store.record(SyncStep(entry: .update(edited, expectedVersion: 1), mapping: next, expectedVersion: 1))
        }
        #expect(try store.entry(EntryID(rawValue: "e1"), tenant: Self.acme).title == "Board")
        #expect(try store.mappings(of: Self.ref).first?.localHash == "l")
        // And a step creating a mapping that exists is refused too
        #expect(throws: MappingError.self) { try store.record(SyncStep(mapping: Self.mapping(), expectedVersion: nil)) }
    }

    @Test func aBatchCommitsEveryStepButTheOnesThatMoved() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try store()
        // Given entry e2 is already at version 1 with its mapping m2
        let m2 = try store.record(SyncStep(entry: .insert(Self.entry("e2"), sourceKey: nil), mapping: Self.mapping("m2", entry: "e2", event: "v2"), expectedVersion: nil))
        // When three steps are recorded together, the second decided on a version of m2 that is not stored
        var stale = m2
        stale.etag = "\"9\""
        let results = try store.record([
            SyncStep(entry: .insert(Self.entry("e1"), sourceKey: nil), mapping: Self.mapping("m1"), expectedVersion: nil),
            SyncStep(
                entry: .update(Self.entry("e2", title: "Moved"), expectedVersion: 1), mapping: stale, expectedVersion: m2.version + 1,
                events: [NotificationEvent(type: .conflict, tenant: Self.acme, provider: Self.ref.provider, at: Self.now, message: "m", dedupeKey: "lost")]),
            SyncStep(
                entry: .insert(Self.entry("e3"), sourceKey: nil), mapping: Self.mapping("m3", entry: "e3", event: "v3"), expectedVersion: nil,
                events: [NotificationEvent(type: .error, tenant: Self.acme, provider: Self.ref.provider, at: Self.now, message: "m", dedupeKey: "kept")]),
        ])
        // Then the first and third are stored at version 1, and the second wrote nothing: not its entry, mapping or event
        #expect(results.count == 3)
        #expect((try? results[0].get())?.version == 1)
        #expect((try? results[2].get())?.version == 1)
        guard case .failure(let refused) = results[1] else {
            Issue.record("the stale step was stored")
            return
        }
        #expect(refused.kind == .moved)
        #expect(try store.mappings(of: Self.ref).map(\.id.rawValue) == ["m1", "m2", "m3"])
        #expect(try store.mapping(MappingID(rawValue: "m2"), of: Self.ref) == m2)
        #expect(try store.entry(EntryID(rawValue: "e2"), tenant: Self.acme).title == "Board")
        #expect(try outbox(store) == ["kept"])
    }

    @Test func entryWritesCheckTheEntryVersion() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try store()
        let mapping = try store.record(SyncStep(entry: .insert(Self.entry(), sourceKey: nil), mapping: Self.mapping(), expectedVersion: nil))
        // Given the operator edited the entry (version 2)
        _ = try store.updateEntry(EntryID(rawValue: "e1"), tenant: Self.acme, changes: EntryChanges(title: "Operator"), now: Self.now)
        // When a pull decided on version 1 writes, Then it is refused and the operator's edit stays
        var pulled = Self.entry(title: "Vendor")
        pulled.version = 2
        #expect(throws: MappingError.self) {
            try store.record(SyncStep(entry: .update(pulled, expectedVersion: 1), mapping: mapping, expectedVersion: 1))
        }
        #expect(try store.entry(EntryID(rawValue: "e1"), tenant: Self.acme).title == "Operator")
        #expect(throws: MappingError.self) {
            try store.record(SyncStep(entry: .delete(EntryID(rawValue: "e1"), expectedVersion: 1), mapping: mapping, expectedVersion: 1))
        }
        // And at the right version the pull and the deletion go through
        pulled.version = 3
        let updated = try store.record(SyncStep(entry: .update(pulled, expectedVersion: 2), mapping: mapping, expectedVersion: 1))
        #expect(try store.entry(EntryID(rawValue: "e1"), tenant: Self.acme).title == "Vendor")
        #expect(try store.entry(EntryID(rawValue: "e1"), tenant: Self.acme).version == 3)
        var gone = updated
        gone.status = .deleted
        try store.record(SyncStep(entry: .delete(EntryID(rawValue: "e1"), expectedVersion: 3), mapping: gone, expectedVersion: 2))
        #expect(try store.entries(tenant: Self.acme).isEmpty)
        #expect(try store.snapshot().providers.first?.mappingCount == 0, "a deleted mapping is not counted")
    }

    @Test func cursorValueMovesNoSerialButItsValidityDoes() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try store()
        let window = DateInterval(start: Self.now, duration: 86_400)
        let serial = try store.serial()
        #expect(try store.cursor(of: Self.ref) == nil)
        try store.setCursor(SyncCursor(value: "token-1", window: window), of: Self.ref)
        try store.setCursor(SyncCursor(value: "token-2", window: window), of: Self.ref)
        #expect(try store.cursor(of: Self.ref) == SyncCursor(value: "token-2", window: window))
        #expect(try store.serial() == serial, "new cursor values do not move the serial")
        // When the vendor refuses it, Then it is forgotten, the provider shows it expired, and the serial moves
        try store.expireCursor(of: Self.ref)
        #expect(try store.cursor(of: Self.ref) == nil)
        #expect(try store.snapshot().providers.first?.isCursorExpired == true)
        #expect(try store.serial() == serial + 1)
        // And a new cursor clears it, moving the serial once more
        try store.setCursor(SyncCursor(value: "token-3", window: window), of: Self.ref)
        #expect(try store.snapshot().providers.first?.isCursorExpired == false)
        #expect(try store.serial() == serial + 2)
    }

    @Test func notificationPendingIsClearedWithoutASerial() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try store()
        try store.markNotificationPending(Self.ref)
        let serial = try store.serial()
        try store.clearNotificationPending(Self.ref)
        #expect(try store.snapshot().providers.first?.isNotificationPending == false)
        #expect(try store.serial() == serial)
        #expect(throws: StateError.self) { try store.clearNotificationPending(ProviderRef("acme/nope")!) }
    }

    @Test func conflictsAreRecordedListedAndResolved() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try store()
        let mapping = try store.record(SyncStep(entry: .insert(Self.entry(), sourceKey: nil), mapping: Self.mapping(), expectedVersion: nil))
        // Given the mapping went into conflict with its event
        var inConflict = mapping
        inConflict.status = .conflict
        let event = NotificationEvent(type: .conflict, tenant: Self.acme, provider: Self.ref.provider, at: Self.now, message: "m", dedupeKey: "conflict:m1:x")
        let conflicted = try store.record(
            SyncStep(mapping: inConflict, expectedVersion: 1, conflict: .record(Self.conflictRecord()), events: [event]))
        // Then it is listed with both versions (the entry as it is now) and counted on the provider
        let listed = try store.conflicts(tenant: Self.acme)
        #expect(listed.count == 1)
        #expect(listed.first?.local?.title == "Board", "the local side is the entry as it is now")
        #expect(listed.first?.external?.title == "Vendor title")
        #expect(listed.first?.externalID == "v1")
        #expect(try store.conflicts(of: Self.ref).count == 1)
        #expect(try store.conflicts(tenant: Self.globex).isEmpty)
        #expect(try store.snapshot().providers.first?.conflictCount == 1)
        #expect(try store.conflictCount(of: Self.ref) == 1)
        #expect(try outbox(store) == ["conflict:m1:x"])
        // And another tenant cannot resolve it, nor can a mapping that is not in conflict be resolved
        #expect(throws: MappingError(.forbidden, "Forbidden: mapping m1 does not belong to tenant \"globex\".")) {
            try store.resolveConflict(conflicted.id, tenant: Self.globex, keep: .keepLocal)
        }
        #expect(throws: MappingError.self) { try store.resolveConflict(MappingID(rawValue: "nope"), tenant: Self.acme, keep: .keepLocal) }
        // When it is resolved keeping the vendor's side
        let resolved = try store.resolveConflict(conflicted.id, tenant: Self.acme, keep: .keepExternal)
        // Then the mapping waits for the next sync with the resolution, and the conflict is gone
        #expect(resolved.status == .pending)
        #expect(resolved.resolution == .keepExternal)
        #expect(resolved.version == conflicted.version + 1)
        #expect(try store.conflicts(tenant: Self.acme).isEmpty)
        #expect(try store.snapshot().providers.first?.conflictCount == 0)
        #expect(try store.conflictCount(of: Self.ref) == 0)
        do {
            _ = try store.resolveConflict(conflicted.id, tenant: Self.acme, keep: .keepLocal)
            Issue.record("resolved a mapping that is not in conflict")
        } catch let error as MappingError {
            #expect(error.kind == .notInConflict)
        }
    }

    @Test func resetClearsAStuckStatus() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try store()
        var failed = Self.mapping()
        failed.status = .error
        failed.error = "HTTP 400 invalid: Bad Request"
        failed.attempt = "a/b"
        let stored = try store.record(SyncStep(mapping: failed, expectedVersion: nil))
        let reset = try store.resetMapping(stored.id, tenant: Self.acme)
        #expect(reset.status == .pending)
        #expect(reset.error == nil)
        #expect(reset.attempt == nil)
        #expect(reset.localHash == "l", "the base stays: the next sync decides from it")
        #expect(try store.mappings(of: Self.ref) == [reset])
        #expect(throws: MappingError.self) { try store.resetMapping(stored.id, tenant: Self.globex) }
        // A deleted mapping stays deleted
        var gone = reset
        gone.status = .deleted
        let deleted = try store.record(SyncStep(mapping: gone, expectedVersion: reset.version))
        #expect(try store.resetMapping(deleted.id, tenant: Self.acme).status == .deleted)
    }

    @Test func deletingTheProviderDropsItsMappingsConflictsAndCursor() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try store()
        var mapping = Self.mapping()
        mapping.status = .conflict
        try store.record(SyncStep(mapping: mapping, expectedVersion: nil, conflict: .record(Self.conflictRecord())))
        try store.setCursor(SyncCursor(value: "t", window: DateInterval(start: Self.now, duration: 1)), of: Self.ref)
        try store.apply(.deleteProvider(Self.ref, at: Date(timeIntervalSince1970: 1_790_000_000)))
        #expect(try store.mappings(of: Self.ref).isEmpty)
        #expect(try store.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM conflict") } == 0)
        #expect(try store.cursor(of: Self.ref) == nil)
    }

    /// Writes a database at the schema of `migration`, with tenant acme and the mappings
    /// `(id, entry, event, status)` of acme/google-main.
    func database(upTo migration: String, mappings: [(String, String, String, String)]) throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let queue = try DatabaseQueue(path: path)
        try SQLiteStateStore.migrator.migrate(queue, upTo: migration)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO tenant (name, spec) VALUES ('acme', '{}')")
            for (id, entry, event, status) in mappings {
                try db.execute(
                    sql: "INSERT INTO mapping (id, tenant, provider, entryId, vendorEventId, syncStatus) VALUES (?, 'acme', 'google-main', ?, ?, ?)",
                    arguments: [id, entry, event, status])
            }
        }
        try queue.close()
    }

    @Test func stateOfTheVendorsSchemaMigratesToSync() throws {
        // Given a database at the schema before v5-sync, holding a mapping
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try database(upTo: "v3-vendors", mappings: [("m1", "e1", "v1", "synced")])
        // When a writer opens it, Then the mapping reads with generation 0 and no resolution
        let store = try SQLiteStateStore(path: path, mode: .readWrite)
        let mapping = try store.mappings(of: Self.ref).first
        #expect(mapping?.generation == 0)
        #expect(mapping?.resolution == nil)
        #expect(mapping?.status == .synced)
        // And one entry cannot be mapped twice to one provider
        #expect(throws: (any Error).self) {
            try store.record(SyncStep(mapping: Self.mapping("m2", entry: "e1", event: "v2"), expectedVersion: nil))
        }
    }

    @Test func providerCountsReadOneIndexNotTheMappingTable() throws {
        // Given a database at the schema before v6-mapping-counts, holding mappings of two statuses
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try database(upTo: "v5-sync", mappings: [("m1", "e1", "v1", "synced"), ("m2", "e2", "v2", "conflict")])
        // When a writer opens it
        let store = try SQLiteStateStore(path: path, mode: .readWrite)
        // Then the two indexes the new one covers are gone, and the counts are the same
        let indexes = try store.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'mapping'") }
        #expect(indexes.contains("mapping_provider_status"))
        #expect(!indexes.contains("mapping_provider") && !indexes.contains("mapping_status"))
        #expect(try store.conflictCount(of: Self.ref) == 1)
        // And the per-provider counts of every snapshot and the conflict count never read the table's rows
        let plans = try store.read { db in
            try [(SQLiteStateStore.mappingCountsQuery, []), (SQLiteStateStore.conflictCountQuery, ["acme", "google-main"])].map {
                sql, arguments in
                try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN " + sql, arguments: StatementArguments(arguments))
                    .map { $0["detail"] as String }.joined(separator: "; ")
            }
        }
        for plan in plans {
            #expect(plan.contains("COVERING INDEX mapping_provider_status"), "\(plan)")
        }
    }
}
