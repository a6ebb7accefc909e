import CalsyncModel
import Foundation
import GRDB

/// The notification outbox (SPEC section 11): events are written in the transaction of the change
/// they report, and delivered later.
extension SQLiteStateStore {
    /// Appends `event` to the outbox inside the caller's transaction; an event whose `dedupeKey` is
    /// already waiting undelivered is not added twice.
    static func enqueue(_ event: NotificationEvent, in db: Database) throws {
        let waiting = try Bool.fetchOne(
            db, sql: "SELECT EXISTS(SELECT 1 FROM outbox WHERE dedupeKey = ? AND deliveredAt IS NULL)",
            arguments: [event.dedupeKey]) ?? false
        guard !waiting else { return }
        try db.execute(
            sql: """
                INSERT INTO outbox (type, tenant, provider, payload, createdAt, dedupeKey)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                event.type.rawValue, event.tenant.rawValue, event.provider?.rawValue, try encode(event),
                RFC3339.preciseString(event.at), event.dedupeKey,
            ])
    }

    /// Appends `event` to the outbox in a transaction of its own.
    public func enqueue(_ event: NotificationEvent) throws {
        try write { try Self.enqueue(event, in: $0) }
    }

    /// Every event in the outbox, oldest first.
    public func outboxEvents() throws -> [NotificationEvent] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT payload FROM outbox ORDER BY id").map { try Self.decode(NotificationEvent.self, $0) }
        }
    }
}
