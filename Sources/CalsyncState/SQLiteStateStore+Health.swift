import CalsyncModel
import Foundation
import GRDB

/// Read-only queries for `calsync doctor`: what has waited too long for a sync, a renewal, a person
/// or a delivery. Each query is one read; none writes, so they run on a read-only store.
extension SQLiteStateStore {
    /// Active, enabled providers whose last sync ran more than `factor` × their `syncInterval` before `now`.
    ///
    /// A provider that never synced is not listed: it has no last sync to be late against, and its
    /// card already says why (authorization, a failed create).
    ///
    /// - Parameters:
    ///   - now: calsync's clock.
    ///   - factor: How many intervals may pass before a sync counts as late.
    /// - Returns: The late providers, ordered by provider.
    public func staleSyncs(at now: Date, factor: Int64 = 2) throws -> [StaleSync] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT state FROM provider ORDER BY tenant, name").compactMap { row in
                let state = try Self.decode(ProviderState.self, row["state"])
                guard state.isActive, state.applied.enabled, let lastSync = state.lastSync else { return nil }
                let allowed = TimeInterval(state.applied.syncInterval.seconds * factor)
                guard now.timeIntervalSince(lastSync.at) > allowed else { return nil }
                return StaleSync(ref: state.ref, lastSyncAt: lastSync.at, syncInterval: state.applied.syncInterval)
            }
        }
    }

    /// Channels and subscriptions that expired, or expire within `window` of `now`.
    ///
    /// Both the webhook table and the webhook recorded on each provider are read, so a channel is
    /// found wherever it was recorded; one id is listed once.
    ///
    /// - Parameters:
    ///   - now: calsync's clock.
    ///   - window: The renewal window (`webhookRenewBefore`).
    /// - Returns: The webhooks due, soonest expiry first.
    /// - Throws: `StateError.io` for a malformed webhook row.
    public func expiringWebhooks(at now: Date, within window: SpecDuration) throws -> [ExpiringWebhook] {
        try read { db in
            var found: [String: ExpiringWebhook] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT id, tenant, provider, expiresAt FROM webhook") {
                let id: String = row["id"]
                let name = "\(row["tenant"] as String)/\(row["provider"] as String)"
                guard let ref = ProviderRef(name), let expiresAt = RFC3339.date(row["expiresAt"]) else {
                    throw StateError(.io, "the state holds a malformed webhook row \"\(id)\" for \(name).")
                }
                found[id] = ExpiringWebhook(ref: ref, id: id, expiresAt: expiresAt)
            }
            for row in try Row.fetchAll(db, sql: "SELECT state FROM provider") {
                let state = try Self.decode(ProviderState.self, row["state"])
                guard let webhook = state.webhook, webhook.isAlive, found[webhook.id] == nil else { continue }
                found[webhook.id] = ExpiringWebhook(ref: state.ref, id: webhook.id, expiresAt: webhook.expiresAt)
            }
            let deadline = now.addingTimeInterval(TimeInterval(window.seconds))
            return found.values.filter { $0.expiresAt <= deadline }.sorted {
                ($0.expiresAt, $0.ref, $0.id) < ($1.expiresAt, $1.ref, $1.id)
            }
        }
    }

    /// Per provider, the conflicts detected more than `age` before `now` and still unresolved.
    ///
    /// - Returns: One backlog per provider that has any, ordered by provider.
    /// - Throws: `StateError.io` for a conflict whose `detectedAt` is not a timestamp.
    public func conflictBacklog(at now: Date, olderThan age: SpecDuration) throws -> [ConflictBacklog] {
        try read { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT conflict.mappingId, conflict.detectedAt, mapping.tenant, mapping.provider
                    FROM conflict JOIN mapping ON mapping.id = conflict.mappingId
                    """)
            let cutoff = now.addingTimeInterval(-TimeInterval(age.seconds))
            var backlog: [ProviderRef: ConflictBacklog] = [:]
            for row in rows {
                let name = "\(row["tenant"] as String)/\(row["provider"] as String)"
                guard let ref = ProviderRef(name), let detectedAt = RFC3339.date(row["detectedAt"]) else {
                    throw StateError(
                        .io,
                        "the state holds a malformed conflict row for mapping \"\(row["mappingId"] as String)\" of \(name)."
                    )
                }
                guard detectedAt < cutoff else { continue }
                var entry = backlog[ref] ?? ConflictBacklog(ref: ref, count: 0, oldestDetectedAt: detectedAt)
                entry.count += 1
                entry.oldestDetectedAt = min(entry.oldestDetectedAt, detectedAt)
                backlog[ref] = entry
            }
            return backlog.values.sorted { $0.ref < $1.ref }
        }
    }

    /// Per tenant and provider, the outbox events queued more than `age` before `now` and not yet delivered.
    ///
    /// - Returns: One backlog per tenant and provider that has any, tenant-wide events first within a tenant.
    /// - Throws: `StateError.io` for an event whose `createdAt` is not a timestamp.
    public func notificationBacklog(at now: Date, olderThan age: SpecDuration) throws -> [NotificationBacklog] {
        try read { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT id, tenant, provider, createdAt, attempts FROM outbox WHERE deliveredAt IS NULL")
            let cutoff = now.addingTimeInterval(-TimeInterval(age.seconds))
            var backlog: [String: NotificationBacklog] = [:]
            for row in rows {
                let tenantText: String = row["tenant"]
                let providerText: String? = row["provider"]
                guard let tenant = TenantName(rawValue: tenantText), let createdAt = RFC3339.date(row["createdAt"])
                else {
                    throw StateError(
                        .io,
                        "the state holds a malformed outbox event \(row["id"] as Int64) of tenant \"\(tenantText)\".")
                }
                guard createdAt < cutoff else { continue }
                let provider = providerText.flatMap(ProviderName.init(rawValue:))
                let attempts: Int = row["attempts"]
                let key = "\(tenant)/\(provider?.rawValue ?? "")"
                var entry =
                    backlog[key]
                    ?? NotificationBacklog(
                        tenant: tenant, provider: provider, count: 0, oldestCreatedAt: createdAt, attempts: 0)
                entry.count += 1
                entry.oldestCreatedAt = min(entry.oldestCreatedAt, createdAt)
                entry.attempts = max(entry.attempts, attempts)
                backlog[key] = entry
            }
            return backlog.values.sorted {
                ($0.tenant, $0.provider?.rawValue ?? "") < ($1.tenant, $1.provider?.rawValue ?? "")
            }
        }
    }
}
