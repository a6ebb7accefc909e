import CalsyncModel
import CalsyncState
import Foundation

/// The checks of what has waited too long: syncs, renewals, conflicts and deliveries.
extension DoctorChecks {
    static func lastSyncs(_ found: Result<[StaleSync], StateError>, thresholds: Thresholds, now: Date) -> DoctorCheck {
        let late: [StaleSync]
        switch found {
        case .success(let list): late = list
        case .failure(let error): return unreadable(.lastSyncs, error)
        }
        let times = thresholds.staleSyncFactor == 2 ? "twice" : "\(thresholds.staleSyncFactor) times"
        guard !late.isEmpty else {
            return .ok(.lastSyncs, "no active provider's last sync is older than \(times) its syncInterval")
        }
        let names = late.map { "\($0.ref) (last \(age(of: $0.lastSyncAt, at: now)) ago, every \($0.syncInterval))" }
        return .warn(
            .lastSyncs,
            "\(count(late.count, "provider")) not synced for over \(times) the syncInterval: \(list(names))",
            fix:
                "Check that `calsync serve` or the scheduled `calsync reconcile` runs; `calsync sync TENANT/PROVIDER` syncs one now and shows its error."
        )
    }

    static func webhooks(_ found: Result<[ExpiringWebhook], StateError>, thresholds: Thresholds, now: Date)
        -> DoctorCheck
    {
        let due: [ExpiringWebhook]
        switch found {
        case .success(let list): due = list
        case .failure(let error): return unreadable(.webhooks, error)
        }
        let window = thresholds.webhookRenewBefore
        guard !due.isEmpty else { return .ok(.webhooks, "no webhook expires within \(window) (webhookRenewBefore)") }
        let expired = due.filter { $0.isExpired(at: now) }
        let expiring = due.filter { !$0.isExpired(at: now) }
        var parts: [String] = []
        if !expired.isEmpty {
            let names = expired.map { "\($0.ref) (webhook \($0.id), \(age(of: $0.expiresAt, at: now)) ago)" }
            parts.append("\(expired.count) expired: \(list(names))")
        }
        if !expiring.isEmpty {
            let names = expiring.map { "\($0.ref) (webhook \($0.id), at \(RFC3339.string($0.expiresAt)))" }
            parts.append("\(expiring.count) expiring within \(window): \(list(names))")
        }
        return .warn(
            .webhooks, parts.joined(separator: "; "),
            fix:
                "Renewal runs in `calsync serve` (every 30m) and in `calsync reconcile`: check that one of them runs, and read the cards (`calsync status`) for WebhookRenewalFailed."
        )
    }

    static func conflicts(_ found: Result<[ConflictBacklog], StateError>, thresholds: Thresholds, now: Date)
        -> DoctorCheck
    {
        let backlog: [ConflictBacklog]
        switch found {
        case .success(let list): backlog = list
        case .failure(let error): return unreadable(.conflicts, error)
        }
        let limit = thresholds.conflictAge
        guard !backlog.isEmpty else { return .ok(.conflicts, "no conflict has waited more than \(limit)") }
        let total = backlog.map(\.count).reduce(0, +)
        let names = backlog.map { "\($0.ref) (\($0.count), oldest \(age(of: $0.oldestDetectedAt, at: now)) ago)" }
        let tenants = Set(backlog.map(\.ref.tenant)).sorted()
        return .warn(
            .conflicts, "\(count(total, "conflict")) unresolved for more than \(limit): \(list(names))",
            fix:
                "List them with \(tenants.map { "`calsync conflicts list --tenant \($0)`" }.joined(separator: ", ")) and settle each with `calsync conflicts resolve MAPPING --keep local|external`."
        )
    }

    static func notifications(
        _ found: Result<[NotificationBacklog], StateError>, thresholds: Thresholds, now: Date
    ) -> DoctorCheck {
        let backlog: [NotificationBacklog]
        switch found {
        case .success(let list): backlog = list
        case .failure(let error): return unreadable(.notifications, error)
        }
        let limit = thresholds.notificationAge
        guard !backlog.isEmpty else {
            return .ok(.notifications, "no notification has waited more than \(limit) for delivery")
        }
        let total = backlog.map(\.count).reduce(0, +)
        let oldest = backlog.map(\.oldestCreatedAt).min() ?? now
        let attempts = backlog.map(\.attempts).max() ?? 0
        let names = backlog.map { "\($0.subject) (\($0.count))" }
        return .warn(
            .notifications,
            "\(count(total, "notification")) undelivered for more than \(limit) (oldest queued \(age(of: oldest, at: now)) ago, up to \(count(attempts, "attempt"))): \(list(names))",
            fix:
                "Check that `calsync serve`, which delivers them, runs, and that the notification channels' URLs resolve and answer; the events are kept in the outbox until delivered."
        )
    }
}
