import CalsyncModel
import CalsyncState
import Foundation

/// The troubleshooting checklist of `calsync doctor`.
///
/// Pure functions from what was read (the facts in `DoctorFacts.swift`) to one `DoctorCheck` each.
/// Nothing here reads the environment, the disk or the network; the command gathers the facts first.
enum DoctorChecks {
    /// The settings the checks compare against.
    struct Thresholds: Sendable {
        /// A webhook expiring within this window is due for renewal (`webhookRenewBefore`).
        var webhookRenewBefore: SpecDuration
        /// A sync is late after this many `syncInterval`s.
        var staleSyncFactor: Int64 = 2
        /// A conflict older than this has waited too long for a person.
        var conflictAge = SpecDuration.hours(24)
        /// A notification undelivered for longer than this is stuck.
        var notificationAge = SpecDuration.hours(1)
    }

    /// How long `doctor` waits for `/healthz` to answer.
    static let probeTimeout = SpecDuration(seconds: 5)

    static func state(_ opening: StateOpening) -> DoctorCheck {
        switch opening {
        case .missing(let path):
            return .warn(
                .state, "no state database at \"\(path)\": nothing has been reconciled with it yet",
                fix: "Run `calsync reconcile` to create it, or point --state or CALSYNC_STATE at the state in use.")
        case .failed(_, let error):
            switch error.kind {
            case .needsMigration:
                return .fail(.state, error.message, fix: "Run `calsync state migrate`, then run doctor again.")
            case .tooNew:
                return .fail(.state, error.message, fix: "Run the calsync version that wrote it, or a newer one.")
            default:
                return .fail(
                    .state, error.message,
                    fix:
                        "Check the file's path and permissions. If it is damaged, restore the latest copy made with `calsync state backup`."
                )
            }
        case .opened(let path, let integrity, let serial):
            guard integrity == "ok" else {
                return .fail(
                    .state, "the integrity check of \"\(path)\" reports: \(integrity)",
                    fix:
                        "Stop every calsync writing to it and restore the latest copy made with `calsync state backup`."
                )
            }
            return .ok(.state, "\"\(path)\" is migrated and passes the integrity check (serial \(serial))")
        }
    }

    static func lock(_ lock: LockFacts) -> DoctorCheck {
        guard lock.isHeld else { return .ok(.lock, "free (\(lock.path))") }
        guard let holder = lock.holder else {
            return .warn(
                .lock, "held by a run that recorded no holder in \"\(lock.path)\"",
                fix:
                    "Wait for it to finish; writing commands fail with exit code 4 meanwhile. `fuser \(lock.path)` shows the process."
            )
        }
        return .warn(
            .lock, "held by \(holder)",
            fix:
                "Wait for that run to finish (writing commands fail with exit code 4 meanwhile, or wait with --lock-timeout). If pid \(holder.pid) on \(holder.host) is gone or stuck, break the lock with `calsync state unlock --force \(holder.id)`."
        )
    }

    /// `probe` is nil when no webhook base URL is set.
    static func webhookBaseURL(_ probe: HealthProbe?) -> DoctorCheck {
        switch probe {
        case nil:
            return .warn(
                .webhookBaseURL, "not set: providers are not notified of changes and poll every syncInterval",
                fix:
                    "Set CALSYNC_WEBHOOK_BASE_URL (or --webhook-base-url, or webhookBaseUrl in calsync.yaml) to the public HTTPS URL in front of `calsync serve`."
            )
        case .answered(let base, let status)? where status >= 500:
            return .warn(
                .webhookBaseURL,
                "\(HealthProbe.url(base)) answered HTTP \(status): something answers, but `calsync serve` behind it may be down",
                fix: "Check that `calsync serve` runs and that the proxy in front of it forwards \(base)/ to it.")
        case .answered(let base, let status)?:
            return .ok(.webhookBaseURL, "\(HealthProbe.url(base)) answered HTTP \(status)")
        case .noAnswer(let base, let reason)?:
            return .fail(
                .webhookBaseURL, "\(HealthProbe.url(base)) gave no answer within \(probeTimeout) (\(reason))",
                fix:
                    "Start `calsync serve` behind \(base), or correct CALSYNC_WEBHOOK_BASE_URL; vendors deliver notifications there."
            )
        }
    }

    static func clock(offsetSetting: String?, offset: SpecDuration) -> DoctorCheck {
        guard let offsetSetting, !offsetSetting.isEmpty else {
            return .ok(.clock, "calsync uses the system clock (CALSYNC_CLOCK_OFFSET is not set)")
        }
        return .warn(
            .clock,
            "CALSYNC_CLOCK_OFFSET shifts calsync's clock by \(offset): plans, renewals and the ages above use the shifted time",
            fix: "Unset CALSYNC_CLOCK_OFFSET outside emulator tests and what-if plans.")
    }

    // MARK: - Helpers

    /// A state query that failed: the state line already says why when the file itself is bad.
    static func unreadable(_ item: DoctorCheck.Item, _ error: StateError) -> DoctorCheck {
        .fail(
            item, error.message,
            fix: "Restore the latest copy made with `calsync state backup`, or repair the row named.")
    }

    /// `1 provider`, `2 providers`.
    static func count(_ n: Int, _ noun: String, plural: String? = nil) -> String {
        n == 1 ? "1 \(noun)" : "\(n) \(plural ?? noun + "s")"
    }

    /// At most `limit` items joined with commas, then `and N more`.
    static func list(_ items: [String], limit: Int = 5) -> String {
        guard items.count > limit else { return items.joined(separator: ", ") }
        return items.prefix(limit).joined(separator: ", ") + " and \(items.count - limit) more"
    }

    /// How long before `now` `date` was, in the largest units: `3h`, `2d4h`, `45m`.
    static func age(of date: Date, at now: Date) -> String {
        let seconds = Int64(max(0, now.timeIntervalSince(date)))
        let rounded = seconds >= 3600 ? seconds / 3600 * 3600 : seconds >= 60 ? seconds / 60 * 60 : seconds
        return SpecDuration(seconds: rounded).description
    }
}
