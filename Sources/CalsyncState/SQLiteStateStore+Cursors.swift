import CalsyncModel
import Foundation
import GRDB

/// Change cursors (Google `nextSyncToken`, Graph `deltaLink`) with the window they were read for.
///
/// A new cursor value does not move the serial; its validity does (SPEC section 4): expiring a cursor
/// marks the provider `isCursorExpired`, which the planner turns into a `sync` with `cursor_expired`.
extension SQLiteStateStore {
    public func cursor(of ref: ProviderRef) throws -> SyncCursor? {
        try read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT value, windowStart, windowEnd FROM cursor WHERE tenant = ? AND provider = ?",
                    arguments: [ref.tenant.rawValue, ref.provider.rawValue]),
                let start = (row["windowStart"] as String?).flatMap(RFC3339.date),
                let end = (row["windowEnd"] as String?).flatMap(RFC3339.date), start <= end
            else { return nil }
            return SyncCursor(value: row["value"], window: DateInterval(start: start, end: end))
        }
    }

    public func setCursor(_ cursor: SyncCursor, of ref: ProviderRef) throws {
        try write { db in
            try Self.updateProviderState(ref, db: db) { $0.isCursorExpired = false }
            try db.execute(
                sql: """
                    INSERT INTO cursor (tenant, provider, value, windowStart, windowEnd) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(tenant, provider) DO UPDATE SET value = excluded.value,
                        windowStart = excluded.windowStart, windowEnd = excluded.windowEnd
                    """,
                arguments: [
                    ref.tenant.rawValue, ref.provider.rawValue, cursor.value, RFC3339.preciseString(cursor.window.start),
                    RFC3339.preciseString(cursor.window.end),
                ])
        }
    }

    public func expireCursor(of ref: ProviderRef) throws {
        try write { db in
            try Self.updateProviderState(ref, db: db) { $0.isCursorExpired = true }
            try db.execute(
                sql: "DELETE FROM cursor WHERE tenant = ? AND provider = ?", arguments: [ref.tenant.rawValue, ref.provider.rawValue])
        }
    }
}
