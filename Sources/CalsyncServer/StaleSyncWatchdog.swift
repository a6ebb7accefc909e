import CalsyncModel
import CalsyncState
import Foundation
import Logging

/// Finds providers whose last sync is older than twice their `syncInterval`: enabled, authorized
/// providers that are neither syncing on notifications nor on the reconcile timer. It logs each one
/// when it turns stale (and when it recovers) and sets the `calsync_stale_providers` gauge.
final class StaleSyncWatchdog: Sendable {
    private let store: SQLiteStateStore
    private let metrics: ServerMetrics
    private let logger: Logger
    private let now: @Sendable () -> Date
    private let reported = LockedRefs()

    init(store: SQLiteStateStore, metrics: ServerMetrics, logger: Logger, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.metrics = metrics
        self.logger = logger
        self.now = now
    }

    /// One check.
    func check() {
        let providers: [ProviderState]
        do {
            providers = try store.snapshot().providers
        } catch {
            logger.error("stale-sync check cannot read the state", metadata: ["error": "\(error)"])
            return
        }
        let at = now()
        let stale = providers.filter { StaleSync.isStale($0, now: at) }
        metrics.staleProviders(stale.count)
        let current = Set(stale.map(\.ref))
        let (turned, recovered) = reported.replace(with: current)
        for state in stale where turned.contains(state.ref) {
            logger.warning(
                "provider's last sync is older than twice its sync interval",
                metadata: [
                    "tenant": "\(state.ref.tenant)", "provider": "\(state.ref.provider)",
                    "lastSync": "\(state.lastSync.map { RFC3339.string($0.at) } ?? "never")",
                    "syncInterval": "\(state.applied.syncInterval)",
                ])
        }
        for ref in recovered.sorted() {
            logger.info("provider's sync is recent again", metadata: ["tenant": "\(ref.tenant)", "provider": "\(ref.provider)"])
        }
    }
}

/// The providers last reported stale.
private final class LockedRefs: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var refs: Set<ProviderRef> = []

    /// Replaces the set; returns the refs that are new and those that left.
    func replace(with next: Set<ProviderRef>) -> (added: Set<ProviderRef>, removed: Set<ProviderRef>) {
        lock.withLock {
            let result = (next.subtracting(refs), refs.subtracting(next))
            refs = next
            return result
        }
    }
}

/// The stale-sync rule, shared by the watchdog and its tests.
public enum StaleSync {
    /// Whether `state` is stale at `now`: active, enabled, authorized, and never synced or last synced
    /// more than 2 × `syncInterval` ago.
    public static func isStale(_ state: ProviderState, now: Date) -> Bool {
        guard state.isActive, state.applied.enabled, state.credential == .valid else { return false }
        guard let lastSync = state.lastSync else { return true }
        return now.timeIntervalSince(lastSync.at) > 2 * TimeInterval(state.applied.syncInterval.seconds)
    }
}
