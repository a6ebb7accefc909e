import CalsyncModel
import Foundation
import GRDB

/// Conflicts and the operator commands on mappings (SPEC section 8): `conflicts list`, `conflicts
/// resolve` and `mappings reset` write in short transactions of their own, without the run lock; the
/// mapping's version makes a sync step decided before them write nothing.
extension SQLiteStateStore {
    public func conflicts(tenant: TenantName) throws -> [ConflictRecord] {
        try read { db in
            try Self.requireTenant(tenant, db: db)
            return try Self.conflicts(db, where: "m.tenant = ?", [tenant.rawValue])
        }
    }

    /// The conflicts of one provider, oldest first, for its card.
    public func conflicts(of ref: ProviderRef) throws -> [ConflictRecord] {
        try read { db in try Self.conflicts(db, where: "m.tenant = ? AND m.provider = ?", [ref.tenant.rawValue, ref.provider.rawValue]) }
    }

    public func resolveConflict(_ id: MappingID, tenant: TenantName, keep: ConflictResolution) throws -> Mapping {
        try write { db in
            var mapping = try Self.owned(id, tenant: tenant, db: db)
            guard mapping.status == .conflict else {
                throw MappingError(
                    .notInConflict,
                    "mapping \(id) is not in conflict (its status is \(mapping.status.rawValue)). `calsync conflicts list --tenant \(tenant)` shows the mappings in conflict.")
            }
            let expected = mapping.version
            mapping.status = .pending
            mapping.resolution = keep
            mapping.error = nil
            mapping.attempt = nil
            return try Self.write(mapping, expected: expected, db: db)
        }
    }

    public func resetMapping(_ id: MappingID, tenant: TenantName) throws -> Mapping {
        try write { db in
            var mapping = try Self.owned(id, tenant: tenant, db: db)
            let expected = mapping.version
            if mapping.status != .deleted { mapping.status = .pending }
            mapping.resolution = nil
            mapping.error = nil
            mapping.attempt = nil
            return try Self.write(mapping, expected: expected, db: db)
        }
    }

    // MARK: - Rows

    /// The mapping `id`, which must belong to `tenant`.
    private static func owned(_ id: MappingID, tenant: TenantName, db: Database) throws -> Mapping {
        try requireTenant(tenant, db: db)
        guard let row = try Row.fetchOne(db, sql: "SELECT \(mappingColumns) FROM mapping WHERE id = ?", arguments: [id.rawValue]) else {
            throw MappingError(
                .notFound, "no mapping \(id) in tenant \"\(tenant)\". `calsync conflicts list --tenant \(tenant)` shows mapping ids.")
        }
        let mapping = try mapping(from: row)
        guard mapping.ref.tenant == tenant else {
            throw MappingError(.forbidden, "Forbidden: mapping \(id) does not belong to tenant \"\(tenant)\".")
        }
        return mapping
    }

    /// Writes `mapping` over version `expected` and drops its conflict record.
    private static func write(_ mapping: Mapping, expected: Int, db: Database) throws -> Mapping {
        var stored = mapping
        stored.version = expected + 1
        try db.execute(
            sql: """
                UPDATE mapping SET syncStatus = ?, resolution = ?, error = ?, attempt = ?, version = ?
                WHERE id = ? AND version = ?
                """,
            arguments: [
                stored.status.rawValue, stored.resolution?.rawValue, stored.error, stored.attempt, stored.version,
                stored.id.rawValue, expected,
            ])
        guard db.changesCount == 1 else {
            throw MappingError(.moved, "mapping \(mapping.id) changed meanwhile. Run the command again.")
        }
        try db.execute(sql: "DELETE FROM conflict WHERE mappingId = ?", arguments: [mapping.id.rawValue])
        return stored
    }

    private static func conflicts(_ db: Database, where condition: String, _ arguments: StatementArguments) throws -> [ConflictRecord] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT c.mappingId, c.detectedAt, c.local, c.external, m.tenant, m.provider, m.entryId, m.vendorEventId
                FROM conflict c JOIN mapping m ON m.id = c.mappingId
                WHERE \(condition) ORDER BY c.detectedAt, c.mappingId
                """, arguments: arguments
        ).map { row in
            let id: String = row["mappingId"]
            guard let ref = ProviderRef("\(row["tenant"] as String)/\(row["provider"] as String)"),
                let detectedAt = RFC3339.date(row["detectedAt"])
            else { throw StateError(.io, "the state holds a malformed conflict row for mapping \"\(id)\".") }
            // The local side is the entry as it is now (nil once deleted); the vendor's is as last read.
            let entryID = (row["entryId"] as String?).map(EntryID.init(rawValue:))
            let entry = try entryID.flatMap { id in
                try Row.fetchOne(db, sql: "SELECT \(entryColumns) FROM entry WHERE id = ?", arguments: [id.rawValue]).flatMap(entry(from:))
            }
            return ConflictRecord(
                mapping: MappingID(rawValue: id), ref: ref, entryID: entryID, externalID: row["vendorEventId"],
                detectedAt: detectedAt, local: entry.map(EventVersion.init), external: try version(row["external"]))
        }
    }

    private static func version(_ json: String) throws -> EventVersion? {
        json == "null" ? nil : try decode(EventVersion.self, json)
    }
}
