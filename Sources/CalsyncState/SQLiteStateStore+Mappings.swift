import CalsyncModel
import Foundation
import GRDB

/// Mappings and the sync steps that write them (SPEC section 8): each step's entry change, mapping and
/// outbox events in one transaction, checked against the row versions it was decided on.
extension SQLiteStateStore: SyncStore {
    public func mappings(of ref: ProviderRef) throws -> [Mapping] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.mappingColumns) FROM mapping WHERE tenant = ? AND provider = ? ORDER BY id",
                arguments: [ref.tenant.rawValue, ref.provider.rawValue]
            ).map(Self.mapping(from:))
        }
    }

    /// Mappings of one provider in conflict; read from `mapping_provider_status` alone.
    static let conflictCountQuery = "SELECT COUNT(*) FROM mapping WHERE tenant = ? AND provider = ? AND syncStatus = 'conflict'"

    public func conflictCount(of ref: ProviderRef) throws -> Int {
        try read { db in
            try Int.fetchOne(db, sql: Self.conflictCountQuery, arguments: [ref.tenant.rawValue, ref.provider.rawValue]) ?? 0
        }
    }

    public func mapping(_ id: MappingID, of ref: ProviderRef) throws -> Mapping? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT \(Self.mappingColumns) FROM mapping WHERE id = ? AND tenant = ? AND provider = ?",
                arguments: [id.rawValue, ref.tenant.rawValue, ref.provider.rawValue]
            ).map(Self.mapping(from:))
        }
    }

    /// The mapping `id`, whichever provider it belongs to.
    public func mapping(_ id: MappingID) throws -> Mapping? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.mappingColumns) FROM mapping WHERE id = ?", arguments: [id.rawValue]).map(Self.mapping(from:))
        }
    }

    @discardableResult
    public func record(_ step: SyncStep) throws -> Mapping {
        try write { db in try Self.record(step, db: db) }
    }

    public func record(_ steps: [SyncStep]) throws -> [Result<Mapping, MappingError>] {
        guard !steps.isEmpty else { return [] }
        return try write { db in
            var results: [Result<Mapping, MappingError>] = []
            results.reserveCapacity(steps.count)
            for step in steps {
                // `check` refuses a step before it writes anything, so a refused step leaves no trace.
                do {
                    results.append(.success(try Self.record(step, db: db)))
                } catch let refused as MappingError where refused.kind == .moved {
                    results.append(.failure(refused))
                }
            }
            return results
        }
    }

    /// Writes one step in the caller's transaction.
    private static func record(_ step: SyncStep, db: Database) throws -> Mapping {
        try check(step, db: db)
        return try write(step, db: db)
    }

    /// Refuses a step decided on rows that moved since, before it writes anything, so a refused step in a
    /// batch needs no savepoint (whose journal would copy every page the batch touches).
    /// - Throws: `MappingError.moved`; `EntryError.unknownTenant` for an entry of a tenant the state lacks.
    private static func check(_ step: SyncStep, db: Database) throws {
        let mapping = step.mapping
        let current = try Int.fetchOne(
            db.cachedStatement(sql: "SELECT version FROM mapping WHERE id = ?"), arguments: [mapping.id.rawValue])
        guard current == step.expectedVersion else {
            throw MappingError(
                .moved, "mapping \(mapping.id) changed while it was synced (version \(current.map(String.init) ?? "none"), expected \(step.expectedVersion.map(String.init) ?? "none")). The next sync decides it again.")
        }
        guard let write = step.entry else { return }
        switch write {
        case .insert(let entry, _):
            try requireTenant(entry.tenant, db: db)
            guard try Int.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM entry WHERE id = ?"), arguments: [entry.id.rawValue]) == nil
            else {
                throw MappingError(.moved, "entry \(entry.id) exists already. The next sync decides it again.")
            }
        case .update(let entry, let expected):
            let stored = try Int.fetchOne(
                db.cachedStatement(sql: "SELECT version FROM entry WHERE id = ? AND tenant = ?"), arguments: [entry.id.rawValue, entry.tenant.rawValue])
            guard stored == expected else {
                throw MappingError(.moved, "entry \(entry.id) changed while it was synced. The next sync decides it again.")
            }
        case .delete(let id, let expected):
            // An entry already gone is no refusal: the step only records that.
            let stored = try Int.fetchOne(db.cachedStatement(sql: "SELECT version FROM entry WHERE id = ?"), arguments: [id.rawValue])
            guard stored == nil || stored == expected else {
                throw MappingError(.moved, "entry \(id) changed while it was synced. The next sync decides it again.")
            }
        }
    }

    /// Writes a checked step: its entry change, the mapping (its version grown by one), the conflict
    /// record and the events, with statements prepared once per connection.
    private static func write(_ step: SyncStep, db: Database) throws -> Mapping {
        let mapping = step.mapping
        if let write = step.entry { try apply(write, ref: mapping.ref, db: db) }
        let stored = step.storedMapping
        try upsert(stored, db: db)
        switch step.conflict {
        case .record(let conflict)?:
            try db.cachedStatement(
                sql: """
                    INSERT INTO conflict (mappingId, detectedAt, local, external) VALUES (?, ?, ?, ?)
                    ON CONFLICT(mappingId) DO UPDATE SET local = excluded.local, external = excluded.external
                    """
            ).execute(arguments: [
                mapping.id.rawValue, RFC3339.preciseString(conflict.detectedAt), try versionJSON(conflict.local),
                try versionJSON(conflict.external),
            ])
        case .clear?:
            try db.cachedStatement(sql: "DELETE FROM conflict WHERE mappingId = ?").execute(arguments: [mapping.id.rawValue])
        case nil:
            break
        }
        for event in step.events { try enqueue(event, in: db) }
        return stored
    }

    public func clearNotificationPending(_ ref: ProviderRef) throws {
        try write { db in
            try Self.updateProviderState(ref, db: db) { $0.isNotificationPending = false }
        }
    }

    // MARK: - Rows

    /// The entry change of a checked step.
    private static func apply(_ write: EntryWrite, ref: ProviderRef, db: Database) throws {
        switch write {
        case .insert(let entry, let sourceKey):
            if let sourceKey {
                // A key held by an entry no mapping pairs any more is handed over.
                try db.cachedStatement(sql: "UPDATE entry SET sourceKey = NULL WHERE tenant = ? AND sourceKey = ?")
                    .execute(arguments: [entry.tenant.rawValue, sourceKey])
            }
            try insert(entry, sourceKey: sourceKey, sequence: nil, stamp: nil, db: db)
        case .update(let entry, let expected):
            try db.cachedStatement(
                sql: """
                    UPDATE entry SET title = ?, description = ?, location = ?, start = ?, end = ?, allDay = ?,
                    timeZone = ?, version = ?, updatedAt = ? WHERE id = ? AND tenant = ?
                    """
            ).execute(arguments: [
                entry.title, entry.description, entry.location, entry.start.description, entry.end.description,
                entry.isAllDay, entry.timeZone, expected + 1, timestamp(entry.updatedAt), entry.id.rawValue,
                entry.tenant.rawValue,
            ])
        case .delete(let id, _):
            try db.cachedStatement(sql: "DELETE FROM entry WHERE id = ? AND tenant = ?").execute(arguments: [id.rawValue, ref.tenant.rawValue])
        }
    }

    static func upsert(_ mapping: Mapping, db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO mapping (id, tenant, provider, entryId, vendorEventId, etag, localHash, remoteHash, syncStatus,
                    lastSyncedAt, error, version, generation, resolution, attempt, seriesId)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET entryId = excluded.entryId, vendorEventId = excluded.vendorEventId,
                    etag = excluded.etag, localHash = excluded.localHash, remoteHash = excluded.remoteHash,
                    syncStatus = excluded.syncStatus, lastSyncedAt = excluded.lastSyncedAt, error = excluded.error,
                    version = excluded.version, generation = excluded.generation, resolution = excluded.resolution,
                    attempt = excluded.attempt, seriesId = excluded.seriesId
                """
        ).execute(arguments: [
                mapping.id.rawValue, mapping.ref.tenant.rawValue, mapping.ref.provider.rawValue, mapping.entryID?.rawValue,
                mapping.vendorEventID, mapping.etag, mapping.localHash, mapping.remoteHash, mapping.status.rawValue,
                mapping.lastSyncedAt.map(RFC3339.preciseString), mapping.error, mapping.version, mapping.generation,
                mapping.resolution?.rawValue, mapping.attempt, mapping.seriesID,
            ])
    }

    /// The columns `mapping(from:)` reads, in its order.
    static let mappingColumns = """
        id, tenant, provider, entryId, vendorEventId, etag, localHash, remoteHash, syncStatus, lastSyncedAt, error, version,
        generation, resolution, attempt, seriesId
        """

    /// A mapping from a row of `SELECT \(mappingColumns)`; columns are read by position, which a sync's
    /// 10,000 rows notice.
    static func mapping(from row: Row) throws -> Mapping {
        let id: String = row[0]
        guard let ref = ProviderRef("\(row[1] as String)/\(row[2] as String)"), let status = MappingStatus(rawValue: row[8])
        else {
            throw StateError(.io, "the state holds a malformed mapping row \"\(id)\". Restore a backup or reset the mapping.")
        }
        return Mapping(
            id: MappingID(rawValue: id), ref: ref, entryID: (row[3] as String?).map(EntryID.init(rawValue:)), vendorEventID: row[4],
            etag: row[5], localHash: row[6], remoteHash: row[7], status: status,
            lastSyncedAt: (row[9] as String?).flatMap(RFC3339.date), error: row[10], version: row[11], generation: row[12],
            resolution: (row[13] as String?).flatMap(ConflictResolution.init(rawValue:)), attempt: row[14], seriesID: row[15])
    }

    /// Reads, changes and writes a provider's state in the caller's transaction; moves the serial when a
    /// part a plan depends on changed (the cursor's validity, the credential).
    /// - Throws: `StateError.unknownProvider` when the state does not record `ref`.
    static func updateProviderState(_ ref: ProviderRef, db: Database, _ change: (inout ProviderState) -> Void) throws {
        let arguments: StatementArguments = [ref.tenant.rawValue, ref.provider.rawValue]
        guard let json = try String.fetchOne(db, sql: "SELECT state FROM provider WHERE tenant = ? AND name = ?", arguments: arguments)
        else {
            throw StateError(.unknownProvider, "the state records no provider \(ref). Apply its manifest first.")
        }
        let before = try decode(ProviderState.self, json)
        var after = before
        change(&after)
        guard after != before else { return }
        try db.execute(
            sql: "UPDATE provider SET state = ? WHERE tenant = ? AND name = ?",
            arguments: [try encode(after), ref.tenant.rawValue, ref.provider.rawValue])
        if planRelevant(after) != planRelevant(before) {
            try db.execute(sql: "UPDATE meta SET serial = serial + 1 WHERE id = 1")
        }
    }

    static func versionJSON(_ version: EventVersion?) throws -> String {
        guard let version else { return "null" }
        return try encode(version)
    }
}
