import CalsyncModel
import Foundation
import GRDB

/// The notification outbox (SPEC section 11): events are written in the transaction of the change
/// they report, appended to `status/events.jsonl`, and delivered to every matching channel.
///
/// An event is journaled once (`journaledAt`), delivered once per channel (one `delivery` row per
/// event and channel, whose `deliveredAt` is set by the channel's 2xx), and settled (`deliveredAt`
/// on the outbox row) once it is journaled and every matching channel has it. Only unsettled events
/// are read again.
extension SQLiteStateStore {
    /// Appends `event` to the outbox inside the caller's transaction; an event whose `dedupeKey` is
    /// already waiting undelivered is not added twice.
    static func enqueue(_ event: NotificationEvent, in db: Database) throws {
        let waiting = try Bool.fetchOne(
            db.cachedStatement(sql: "SELECT EXISTS(SELECT 1 FROM outbox WHERE dedupeKey = ? AND deliveredAt IS NULL)"),
            arguments: [event.dedupeKey]) ?? false
        guard !waiting else { return }
        try db.cachedStatement(
            sql: """
                INSERT INTO outbox (type, tenant, provider, payload, createdAt, dedupeKey)
                VALUES (?, ?, ?, ?, ?, ?)
                """
        ).execute(arguments: [
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

    // MARK: - The journal

    /// Events whose line is not yet in `status/events.jsonl`, oldest first.
    /// - Parameter limit: At most this many.
    public func eventsToJournal(limit: Int = 500) throws -> [OutboxEntry] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT id, payload, journaledAt FROM outbox WHERE journaledAt IS NULL ORDER BY id LIMIT ?",
                arguments: [limit]
            ).map { try Self.outboxEntry($0, deliveries: [:]) }
        }
    }

    /// Records that the lines of `ids` are in `status/events.jsonl`; call it only after the append is flushed.
    public func markJournaled(_ ids: [OutboxID], at now: Date) throws {
        guard !ids.isEmpty else { return }
        try write { db in
            for id in ids {
                try db.execute(
                    sql: "UPDATE outbox SET journaledAt = ? WHERE id = ? AND journaledAt IS NULL",
                    arguments: [RFC3339.preciseString(now), id.rawValue])
            }
        }
    }

    // MARK: - Delivery

    /// Events not yet settled (journaled and delivered to every matching channel), oldest first,
    /// each with its deliveries so far.
    /// - Parameters:
    ///   - after: Only events after this one (the last of the previous batch); from the first when nil.
    ///   - limit: At most this many.
    public func undeliveredEvents(after: OutboxID? = nil, limit: Int = 500) throws -> [OutboxEntry] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql:
                    "SELECT id, payload, journaledAt FROM outbox WHERE deliveredAt IS NULL AND id > ? ORDER BY id LIMIT ?",
                arguments: [after?.rawValue ?? 0, limit])
            guard let first = rows.first?["id"] as Int64?, let last = rows.last?["id"] as Int64? else { return [] }
            var deliveries: [Int64: [ChannelName: ChannelDelivery]] = [:]
            for row in try Row.fetchAll(
                db, sql: "SELECT * FROM delivery WHERE eventId BETWEEN ? AND ?", arguments: [first, last])
            {
                guard let channel = ChannelName(rawValue: row["channel"]) else { continue }
                deliveries[row["eventId"], default: [:]][channel] = Self.channelDelivery(row)
            }
            return try rows.map { try Self.outboxEntry($0, deliveries: deliveries[$0["id"]] ?? [:]) }
        }
    }

    /// Claims the delivery `key` for one send when it is due at `now`: no other notifier will send it
    /// before `until`, when the claim lapses (a send that never finished is retried then).
    /// - Returns: false when the channel already has the event, or its next attempt is not due yet.
    public func claimDelivery(_ key: DeliveryKey, now: Date, until: Date) throws -> Bool {
        try write { db in
            let row = try Row.fetchOne(
                db, sql: "SELECT * FROM delivery WHERE eventId = ? AND channel = ?",
                arguments: [key.event.rawValue, key.channel.rawValue])
            let current = row.map(Self.channelDelivery) ?? ChannelDelivery()
            guard current.isDue(at: now) else { return false }
            try db.execute(
                sql: """
                    INSERT INTO delivery (eventId, channel, nextAttemptAt) VALUES (?, ?, ?)
                    ON CONFLICT(eventId, channel) DO UPDATE SET nextAttemptAt = excluded.nextAttemptAt
                    """,
                arguments: [key.event.rawValue, key.channel.rawValue, RFC3339.preciseString(until)])
            return true
        }
    }

    /// Records that the channel acknowledged the event; it is never sent to that channel again.
    /// - Returns: false when the channel had already acknowledged it (nothing changes).
    @discardableResult
    public func recordDelivered(_ key: DeliveryKey, at now: Date) throws -> Bool {
        try write { db in
            try db.execute(
                sql: """
                    INSERT INTO delivery (eventId, channel, attempts, deliveredAt) VALUES (?, ?, 1, ?)
                    ON CONFLICT(eventId, channel) DO UPDATE SET attempts = attempts + 1, nextAttemptAt = NULL,
                        lastError = NULL, deliveredAt = excluded.deliveredAt
                    WHERE deliveredAt IS NULL
                    """,
                arguments: [key.event.rawValue, key.channel.rawValue, RFC3339.preciseString(now)])
            return db.changesCount > 0
        }
    }

    /// Records a failed send (or one that could not be made) and schedules the next attempt.
    ///
    /// The outbox row keeps the latest error and the earliest next attempt of its channels, for
    /// people reading the state.
    /// - Parameters:
    ///   - key: The event and channel.
    ///   - error: Why: the channel's answer, no answer, or an unresolvable reference. Never a URL or secret.
    ///   - now: When the attempt ended.
    ///   - backoff: The schedule.
    ///   - jitter: A random draw from `0...1` for the backoff.
    /// - Returns: The delivery as recorded; unchanged when the channel had already acknowledged the event.
    @discardableResult
    public func recordFailedAttempt(
        _ key: DeliveryKey, error: String, at now: Date, backoff: DeliveryBackoff, jitter: Double
    ) throws -> ChannelDelivery {
        try write { db in
            let arguments: StatementArguments = [key.event.rawValue, key.channel.rawValue]
            let row = try Row.fetchOne(
                db, sql: "SELECT * FROM delivery WHERE eventId = ? AND channel = ?", arguments: arguments)
            var delivery = row.map(Self.channelDelivery) ?? ChannelDelivery()
            guard !delivery.isDelivered else { return delivery }
            delivery.attempts += 1
            delivery.lastError = error
            let wait = backoff.delay(afterAttempts: delivery.attempts, jitter: jitter)
            delivery.nextAttemptAt = now.addingTimeInterval(Self.seconds(wait))
            try db.execute(
                sql: """
                    INSERT INTO delivery (eventId, channel, attempts, nextAttemptAt, lastError) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(eventId, channel) DO UPDATE SET attempts = excluded.attempts,
                        nextAttemptAt = excluded.nextAttemptAt, lastError = excluded.lastError
                    """,
                arguments: arguments + [delivery.attempts, delivery.nextAttemptAt.map(RFC3339.preciseString), error])
            try db.execute(
                sql: """
                    UPDATE outbox SET attempts = attempts + 1, lastError = ?,
                        nextAttemptAt = (SELECT MIN(nextAttemptAt) FROM delivery WHERE eventId = outbox.id AND deliveredAt IS NULL)
                    WHERE id = ?
                    """,
                arguments: ["channel \(key.channel): \(error)", key.event.rawValue])
            return delivery
        }
    }

    /// Settles events that are journaled and held by every channel that matches them: they are not
    /// read again, and an event with the same `dedupeKey` may be enqueued anew.
    public func markSettled(_ ids: [OutboxID], at now: Date) throws {
        guard !ids.isEmpty else { return }
        try write { db in
            for id in ids {
                try db.execute(
                    sql: """
                        UPDATE outbox SET deliveredAt = ?, nextAttemptAt = NULL
                        WHERE id = ? AND deliveredAt IS NULL AND journaledAt IS NOT NULL
                        """,
                    arguments: [RFC3339.preciseString(now), id.rawValue])
            }
        }
    }

    // MARK: - Rows

    private static func outboxEntry(_ row: Row, deliveries: [ChannelName: ChannelDelivery]) throws -> OutboxEntry {
        let id: Int64 = row["id"]
        do {
            return OutboxEntry(
                id: OutboxID(rawValue: id), event: try decode(NotificationEvent.self, row["payload"]),
                isJournaled: (row["journaledAt"] as String?) != nil, deliveries: deliveries)
        } catch {
            throw StateError(.io, "the state holds a malformed outbox event \(id): \(error)")
        }
    }

    private static func channelDelivery(_ row: Row) -> ChannelDelivery {
        ChannelDelivery(
            attempts: row["attempts"], nextAttemptAt: (row["nextAttemptAt"] as String?).flatMap(RFC3339.date),
            lastError: row["lastError"], deliveredAt: (row["deliveredAt"] as String?).flatMap(RFC3339.date))
    }

    private static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
