import ArgumentParser
import CalsyncExecutor
import CalsyncModel
import CalsyncProviders
import CalsyncState
import CalsyncSyncEngine
import Foundation

/// What `calsync sync` and the due syncs of `reconcile` and `apply` need from the composition root.
extension Runtime {
    /// The authorized vendor client of `provider`, built from its sealed refresh token; exit 1 with what
    /// to fix when none can be built.
    func calendarClient(for provider: ProviderState, store: SQLiteStateStore) async throws -> any CalendarClient {
        let snapshot = try failing { try store.snapshot() }
        guard let vendors = try vendors(store: store, snapshot: snapshot, persists: true) else {
            console.error("error: \(provider.ref) holds no OAuth credential. Run `calsync authorize \(provider.ref)`.")
            throw ExitCode(3)
        }
        do {
            return try await vendors.sessions.client(for: provider)
        } catch let error as VendorAccessFailure {
            console.error("error: \(error.message)")
            throw ExitCode(1)
        }
    }

    /// Sync steps committed in one transaction (`CALSYNC_SYNC_BATCH_SIZE`).
    var batchSize: Int { configuration.syncBatchSize ?? SyncEngine.defaultBatchSize }

    /// A new entry id for an entry pulled from a vendor.
    static func newEntryID() -> EntryID { EntryID.random() }

    /// The sync the executor's vendor actions run for a planned `sync`: the engine, then the provider's
    /// new state. A refused grant is thrown, so the executor revokes the credential and blocks the provider.
    func syncRunner(store: SQLiteStateStore) -> LiveVendorActions.SyncRunner {
        let offset = TimeInterval(configuration.clockOffset.seconds)
        return { provider, client in
            let engine = SyncEngine(store: store, client: client, newEntryID: Runtime.newEntryID, batchSize: batchSize)
            let report = await engine.sync(provider, now: Date().addingTimeInterval(offset))
            if case .authorizationRequired(let message) = report.outcome {
                throw AuthorizationError.invalidGrant(vendorMessage: message)
            }
            return try Runtime.synced(provider, report: report, store: store)
        }
    }

    /// `provider` after `report`: its last sync and error, with the flags and counts the engine moved in
    /// the state while it ran (cursor validity, pending notification, mappings, conflicts).
    static func synced(_ provider: ProviderState, report: SyncReport, store: SQLiteStateStore) throws -> ProviderState {
        var next = report.applied(to: provider)
        if let current = try store.snapshot().providers.first(where: { $0.ref == provider.ref }) {
            next.isCursorExpired = current.isCursorExpired
            next.isNotificationPending = current.isNotificationPending
            next.mappingCount = current.mappingCount
            next.conflictCount = current.conflictCount
        }
        return next
    }

    /// Records a manual sync's outcome on its provider and recomputes its card; a refused grant revokes
    /// the credential (which queues `authorization_required`).
    func recordSync(_ report: SyncReport, of ref: ProviderRef, store: SQLiteStateStore) throws {
        try failing {
            if case .authorizationRequired(let message) = report.outcome {
                try store.revokeCredential(ref, vendorMessage: message, at: report.at)
            }
            guard let current = try store.snapshot().providers.first(where: { $0.ref == ref }) else { return }
            let previous = try store.cards()[ref]
            let next = try Runtime.synced(current, report: report, store: store)
            let pending = (previous?.pendingActions ?? []).filter { $0 != .sync }
            let card = ProviderCards.card(for: next, pending: pending, previous: previous, now: report.at)
            try store.apply(.recordProvider(next, card: card))
        }
    }
}

extension Runtime {
    /// One provider's sync under the run lock, as `calsync sync` and `serve`'s notification worker run
    /// it: the engine, the provider's card, the status files, the run history and the notifier.
    /// - Throws: Exit 4 when the lock is held, 1 for a provider not in the state or disabled, 3 when it
    ///   needs authorization.
    func syncProvider(
        _ ref: ProviderRef, full: Bool, lockCommand: String, timeout: Duration?, startedAt: Date,
        progress: @escaping @Sendable (SyncProgress) -> Void = { _ in }
    ) async throws -> SyncReport {
        let lock = try await lock(command: lockCommand, timeout: timeout)
        defer { lock.release() }
        let store = try openReadWrite()
        let snapshot = try failing { try store.snapshot() }
        guard let state = snapshot.providers.first(where: { $0.ref == ref }) else {
            console.error("error: provider \(ref) is not in the state. Check the name, or reconcile its manifest first.")
            throw ExitCode(1)
        }
        guard state.applied.enabled, state.isActive else {
            console.error("error: \(ref) is disabled (enabled: false). Set enabled: true and reconcile before syncing it.")
            throw ExitCode(1)
        }
        guard state.credential == .valid else {
            console.error("blocked: \(ref): authorization required: run `calsync authorize \(ref)`")
            throw ExitCode(3)
        }
        let client = try await calendarClient(for: state, store: store)
        let engine = SyncEngine(
            store: store, client: client, newEntryID: Runtime.newEntryID, batchSize: batchSize, progress: progress)
        let report = await engine.sync(state, now: now, full: full)
        try recordSync(report, of: ref, store: store)
        try writeStatus(statusCards(store: store, plan: nil))
        try? store.recordRun(
            RunRecord(
                id: UUID().uuidString.lowercased(), command: "sync \(ref)", startedAt: startedAt, finishedAt: now,
                exitCode: report.exitCode, summary: report.countsLine))
        try await notify(store: store)
        return report
    }
}
