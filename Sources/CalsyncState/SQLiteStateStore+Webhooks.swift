import CalsyncModel
import Foundation
import GRDB

/// Push channels and subscriptions (SPEC section 9). Notifications are matched by id in the state,
/// so channels registered by a CLI `reconcile` are served by `serve` too.
extension SQLiteStateStore {
    /// Records `record`, replacing a row with the same id.
    public func recordWebhook(_ record: WebhookRecord) throws {
        try write { try Self.recordWebhook(record, in: $0) }
    }

    static func recordWebhook(_ record: WebhookRecord, in db: Database) throws {
            try db.execute(
                sql: """
                    INSERT INTO webhook (id, tenant, provider, vendor, resourceId, keyId, sealedSecret, expiresAt, renewalFailures)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(id) DO UPDATE SET resourceId = excluded.resourceId, keyId = excluded.keyId,
                        sealedSecret = excluded.sealedSecret, expiresAt = excluded.expiresAt,
                        renewalFailures = excluded.renewalFailures
                    """,
                arguments: [
                    record.id, record.ref.tenant.rawValue, record.ref.provider.rawValue, record.vendor.rawValue,
                    record.resourceID, record.secret.keyID.rawValue, record.secret.combined,
                    RFC3339.preciseString(record.expiresAt), record.renewalFailures,
                ])
    }

    /// Forgets the channel or subscription `id`.
    public func removeWebhook(id: String) throws {
        try write { try $0.execute(sql: "DELETE FROM webhook WHERE id = ?", arguments: [id]) }
    }

    /// The channel or subscription `id`, if the state records it.
    public func webhook(id: String) throws -> WebhookRecord? {
        try read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM webhook WHERE id = ?", arguments: [id]).map(Self.webhookRecord)
        }
    }

    /// Every channel and subscription of `ref`, oldest expiry first.
    public func webhooks(of ref: ProviderRef) throws -> [WebhookRecord] {
        try read { db in
            try Row.fetchAll(
                db, sql: "SELECT * FROM webhook WHERE tenant = ? AND provider = ? ORDER BY expiresAt, id",
                arguments: [ref.tenant.rawValue, ref.provider.rawValue]
            ).map(Self.webhookRecord)
        }
    }

    /// Every channel and subscription, ordered by provider.
    public func allWebhooks() throws -> [WebhookRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM webhook ORDER BY tenant, provider, expiresAt, id").map(Self.webhookRecord)
        }
    }

    /// Marks `ref` due for sync because a notification arrived; no plan-relevant change, so the serial stays.
    /// - Returns: false when the state no longer records the provider.
    @discardableResult
    public func markNotificationPending(_ ref: ProviderRef) throws -> Bool {
        try write { db in
            let arguments: StatementArguments = [ref.tenant.rawValue, ref.provider.rawValue]
            guard let json = try String.fetchOne(db, sql: "SELECT state FROM provider WHERE tenant = ? AND name = ?", arguments: arguments)
            else { return false }
            var state = try Self.decode(ProviderState.self, json)
            guard !state.isNotificationPending else { return true }
            state.isNotificationPending = true
            try db.execute(
                sql: "UPDATE provider SET state = ? WHERE tenant = ? AND name = ?",
                arguments: [try Self.encode(state), ref.tenant.rawValue, ref.provider.rawValue])
            return true
        }
    }

    private static func webhookRecord(_ row: Row) throws -> WebhookRecord {
        let name = "\(row["tenant"] as String)/\(row["provider"] as String)"
        guard let ref = ProviderRef(name), let vendor = Vendor(rawValue: row["vendor"]),
            let keyID = KeyID(rawValue: row["keyId"] as String? ?? ""), let expiresAt = RFC3339.date(row["expiresAt"])
        else {
            throw StateError(.io, "the state holds a malformed webhook row \"\(row["id"] as String)\" for \(name).")
        }
        return WebhookRecord(
            id: row["id"], ref: ref, vendor: vendor, resourceID: row["resourceId"],
            secret: SealedToken(keyID: keyID, combined: row["sealedSecret"] ?? Data()), expiresAt: expiresAt,
            renewalFailures: row["renewalFailures"])
    }
}
