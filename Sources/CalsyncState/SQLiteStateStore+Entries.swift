import CalsyncModel
import Foundation
import GRDB

/// An imported instance: the entry it becomes, keyed by its iCalendar instance key and revision.
public struct ImportedEntry: Sendable, Hashable {
    /// The iCalendar UID the instance belongs to.
    public var uid: String
    /// `UID` or `UID/RECURRENCE`, unique per tenant.
    public var key: String
    public var sequence: Int
    public var stamp: Date?
    public var title: String
    public var description: String?
    public var location: String?
    public var start: EntryTime
    public var end: EntryTime
    public var timeZone: String?

    public init(
        uid: String, key: String, sequence: Int, stamp: Date?, title: String, description: String?, location: String?,
        start: EntryTime, end: EntryTime, timeZone: String?
    ) {
        self.uid = uid
        self.key = key
        self.sequence = sequence
        self.stamp = stamp
        self.title = title
        self.description = description
        self.location = location
        self.start = start
        self.end = end
        self.timeZone = timeZone
    }
}

/// What an import did.
public struct ImportResult: Sendable, Hashable {
    public var added = 0
    public var updated = 0
    public var unchanged = 0
    /// Instances of a revised series that its new revision no longer has.
    public var removed = 0
    public init() {}
}

/// The tenant schedule: short transactions of their own, without the run lock (SPEC section 4).
extension SQLiteStateStore {
    /// Whether any apply or reconcile recorded the tenant.
    public func isKnownTenant(_ tenant: TenantName) throws -> Bool {
        try read { try Self.isKnown(tenant, db: $0) }
    }

    /// The tenant's entries overlapping `[from, to)`, ordered by start; an unknown tenant is an error.
    public func entries(tenant: TenantName, from: Date? = nil, to: Date? = nil) throws -> [Entry] {
        try read { db in
            try Self.requireTenant(tenant, db: db)
            return try Row.fetchAll(db, sql: "SELECT \(Self.entryColumns) FROM entry WHERE tenant = ? ORDER BY start, id", arguments: [tenant.rawValue])
                .compactMap(Self.entry(from:))
                .filter { $0.overlaps(from: from, to: to) }
                .sorted { ($0.start, $0.id) < ($1.start, $1.id) }
        }
    }

    /// The entry with `id`, which must belong to `tenant`.
    public func entry(_ id: EntryID, tenant: TenantName) throws -> Entry {
        try read { try Self.owned(id, tenant: tenant, db: $0) }
    }

    /// Adds `entry` (its version is 1).
    public func addEntry(_ entry: Entry) throws -> Entry {
        try write { db in
            try Self.requireTenant(entry.tenant, db: db)
            var stored = entry
            stored.version = 1
            try Self.insert(stored, sourceKey: nil, sequence: nil, stamp: nil, db: db)
            return stored
        }
    }

    /// Applies `changes` to the entry `id` of `tenant`; `ifVersion` makes it conditional.
    public func updateEntry(
        _ id: EntryID, tenant: TenantName, changes: EntryChanges, ifVersion: Int? = nil, now: Date
    ) throws -> Entry {
        try write { db in
            let current = try Self.owned(id, tenant: tenant, db: db)
            if let ifVersion, ifVersion != current.version {
                throw EntryError(.versionMismatch, "entry \(id) is at version \(current.version), not \(ifVersion)")
            }
            var next = changes.applied(to: current)
            if let problem = EntryRules.problem(with: next) { throw EntryError(.invalid, problem) }
            guard next != current else { return current }
            next.version = current.version + 1
            next.updatedAt = now
            try db.execute(
                sql: """
                    UPDATE entry SET title = ?, description = ?, location = ?, start = ?, end = ?, allDay = ?,
                    timeZone = ?, version = ?, updatedAt = ? WHERE id = ? AND version = ?
                    """,
                arguments: [
                    next.title, next.description, next.location, next.start.description, next.end.description,
                    next.isAllDay, next.timeZone, next.version, Self.timestamp(now), id.rawValue, current.version,
                ])
            return next
        }
    }

    /// Deletes the entry `id` of `tenant`.
    public func deleteEntry(_ id: EntryID, tenant: TenantName, ifVersion: Int? = nil) throws {
        try write { db in
            let current = try Self.owned(id, tenant: tenant, db: db)
            if let ifVersion, ifVersion != current.version {
                throw EntryError(.versionMismatch, "entry \(id) is at version \(current.version), not \(ifVersion)")
            }
            try db.execute(sql: "DELETE FROM entry WHERE id = ?", arguments: [id.rawValue])
        }
    }

    /// Imports instances in one transaction: a key already imported is updated when the new revision
    /// supersedes it (`supersedes(new, old)`), never duplicated; instances inside `range` of a revised
    /// series that the new revision no longer has (a shorter COUNT, a new EXDATE) are removed.
    public func importEntries(
        _ imported: [ImportedEntry], tenant: TenantName, range: DateInterval, now: Date, newID: () -> EntryID,
        supersedes: (ImportedEntry, _ sequence: Int, _ stamp: Date?) -> Bool
    ) throws -> ImportResult {
        try write { db in
            try Self.requireTenant(tenant, db: db)
            var result = ImportResult()
            for item in imported {
                let existing = try Row.fetchOne(
                    db, sql: "SELECT \(Self.entryColumns), sourceSequence, sourceStamp FROM entry WHERE tenant = ? AND sourceKey = ?",
                    arguments: [tenant.rawValue, item.key])
                guard let existing, let current = Self.entry(from: existing) else {
                    let entry = Entry(
                        id: newID(), tenant: tenant, title: item.title, description: item.description,
                        location: item.location, start: item.start, end: item.end, timeZone: item.timeZone, updatedAt: now,
                        origin: "ical")
                    if let problem = EntryRules.problem(with: entry) {
                        throw EntryError(.invalid, "instance \(item.key): \(problem)")
                    }
                    try Self.insert(entry, sourceKey: item.key, sequence: item.sequence, stamp: item.stamp, db: db)
                    try db.execute(sql: "UPDATE entry SET sourceUID = ? WHERE id = ?", arguments: [item.uid, entry.id.rawValue])
                    result.added += 1
                    continue
                }
                let oldStamp = (existing["sourceStamp"] as String?).flatMap(Self.date(from:))
                let oldSequence: Int = existing["sourceSequence"] ?? 0
                guard supersedes(item, oldSequence, oldStamp) else {
                    result.unchanged += 1
                    continue
                }
                try db.execute(
                    sql: """
                        UPDATE entry SET title = ?, description = ?, location = ?, start = ?, end = ?, allDay = ?,
                        timeZone = ?, version = version + 1, updatedAt = ?, sourceSequence = ?, sourceStamp = ?
                        WHERE id = ?
                        """,
                    arguments: [
                        item.title, item.description, item.location, item.start.description, item.end.description,
                        item.start.isDate, item.timeZone, Self.timestamp(now), item.sequence,
                        item.stamp.map(Self.timestamp), current.id.rawValue,
                    ])
                result.updated += 1
            }
            // Instances a newer revision of their series no longer has (a shorter COUNT, a new EXDATE,
            // a moved DTSTART) are removed, within the import range only.
            for (uid, items) in Dictionary(grouping: imported, by: \.uid) {
                let keys = Set(items.map(\.key))
                guard let first = items.first else { continue }
                let newest = items.reduce(first) { supersedes($1, $0.sequence, $0.stamp) ? $1 : $0 }
                for row in try Row.fetchAll(
                    db, sql: "SELECT id, sourceKey, start, sourceSequence, sourceStamp FROM entry WHERE tenant = ? AND sourceUID = ?",
                    arguments: [tenant.rawValue, uid])
                {
                    let key: String = row["sourceKey"]
                    let stamp = (row["sourceStamp"] as String?).flatMap(Self.date(from:))
                    guard !keys.contains(key), let start = EntryTime(parsing: row["start"]),
                        range.contains(start.orderingInstant), supersedes(newest, row["sourceSequence"] ?? 0, stamp)
                    else { continue }
                    try db.execute(sql: "DELETE FROM entry WHERE id = ?", arguments: [row["id"] as String])
                    result.removed += 1
                }
            }
            return result
        }
    }

    /// The iCalendar key an imported entry came from, for exports that read back to the same entries.
    public func sourceKeys(tenant: TenantName) throws -> [EntryID: String] {
        try read { db in
            try Self.requireTenant(tenant, db: db)
            var keys: [EntryID: String] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT id, sourceKey FROM entry WHERE tenant = ? AND sourceKey IS NOT NULL", arguments: [tenant.rawValue])
            {
                keys[EntryID(rawValue: row["id"])] = row["sourceKey"]
            }
            return keys
        }
    }

    /// Removes the schedule of a tenant that no manifest declares any more, and the tenant itself.
    ///
    /// A declared tenant, or one whose providers are not deleted yet, is refused: its mappings would
    /// point at entries that are gone.
    public func purgeTenant(_ tenant: TenantName) throws -> Int {
        try write { db in
            try Self.requireTenant(tenant, db: db)
            let declared = try Bool.fetchOne(db, sql: "SELECT isDeclared FROM tenant WHERE name = ?", arguments: [tenant.rawValue]) ?? false
            let providerCount = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM provider WHERE tenant = ?", arguments: [tenant.rawValue]) ?? 0
            guard !declared, providerCount == 0 else {
                throw EntryError(
                    .invalid,
                    "tenant \"\(tenant)\" is still declared or still has providers. Remove it from the manifests and reconcile first.")
            }
            try db.execute(sql: "DELETE FROM entry WHERE tenant = ?", arguments: [tenant.rawValue])
            let removed = db.changesCount
            try db.execute(sql: "DELETE FROM tenant WHERE name = ?", arguments: [tenant.rawValue])
            return removed
        }
    }

    // MARK: - Rows

    private static func isKnown(_ tenant: TenantName, db: Database) throws -> Bool {
        try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM tenant WHERE name = ?"), arguments: [tenant.rawValue]) ?? false
    }

    static func requireTenant(_ tenant: TenantName, db: Database) throws {
        guard try isKnown(tenant, db: db) else {
            throw EntryError(.unknownTenant, "tenant \"\(tenant)\" is not in the state. Reconcile the manifests that declare it first.")
        }
    }

    private static func owned(_ id: EntryID, tenant: TenantName, db: Database) throws -> Entry {
        try requireTenant(tenant, db: db)
        guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.entryColumns) FROM entry WHERE id = ?", arguments: [id.rawValue]),
            let entry = entry(from: row)
        else { throw EntryError(.notFound, "no entry \(id) in tenant \"\(tenant)\"") }
        guard entry.tenant == tenant else {
            throw EntryError(.forbidden, "Forbidden: entry \(id) does not belong to tenant \"\(tenant)\"")
        }
        return entry
    }

    static func insert(_ entry: Entry, sourceKey: String?, sequence: Int?, stamp: Date?, db: Database) throws {
        try db.cachedStatement(
            sql: """
                INSERT INTO entry (id, tenant, title, description, location, start, end, allDay, timeZone, version,
                updatedAt, origin, sourceKey, sourceSequence, sourceStamp)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
                entry.id.rawValue, entry.tenant.rawValue, entry.title, entry.description, entry.location,
                entry.start.description, entry.end.description, entry.isAllDay, entry.timeZone, entry.version,
                timestamp(entry.updatedAt), entry.origin, sourceKey, sequence, stamp.map(timestamp),
            ])
    }

    /// The columns `entry(from:)` reads, in its order.
    static let entryColumns = "id, tenant, title, description, location, start, end, timeZone, version, updatedAt, origin"

    /// An entry from a row of `SELECT \(entryColumns)`, read by position; nil for a malformed row.
    static func entry(from row: Row) -> Entry? {
        guard let tenant = TenantName(rawValue: row[1]), let start = EntryTime(parsing: row[5]),
            let end = EntryTime(parsing: row[6]), let updatedAt = date(from: row[9])
        else { return nil }
        return Entry(
            id: EntryID(rawValue: row[0]), tenant: tenant, title: row[2], description: row[3], location: row[4], start: start,
            end: end, timeZone: row[7], version: row[8], updatedAt: updatedAt, origin: row[10])
    }

    static func timestamp(_ date: Date) -> String { RFC3339.preciseString(date) }

    static func date(from text: String) -> Date? { RFC3339.date(text) }
}
