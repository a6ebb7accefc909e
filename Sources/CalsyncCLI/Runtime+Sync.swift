import ArgumentParser
import CalsyncExecutor
import CalsyncModel
import CalsyncProviders
import CalsyncState
import CalsyncSyncEngine
import Foundation

/// What `calsync sync` (and the reconcile's due syncs) need from the composition root.
extension Runtime {
    /// The authorized vendor client of `provider`, built from its sealed refresh token.
    ///
    /// The seam between the sync engine and the vendor clients: it opens the provider's credential with
    /// the keyring, builds `GoogleCalendarClient` or `GraphCalendarClient` on the configured endpoints and
    /// keeps its access tokens fresh. Until that wiring lands, a sync stops here with exit 1.
    func calendarClient(for provider: ProviderState, store: SQLiteStateStore) async throws -> any CalendarClient {
        console.error(
            "error: \(provider.ref): this build of calsync cannot reach \(provider.applied.vendor.rawValue) yet (no vendor client is wired into the command line). Nothing was synced.")
        throw ExitCode(1)
    }

    /// Records a sync's outcome on its provider (last sync, error text, credential) and recomputes its card,
    /// on the state as it is after the sync (the engine moved cursors and flags while it ran).
    func recordSync(_ report: SyncReport, of ref: ProviderRef, store: SQLiteStateStore) throws {
        try failing {
            guard let current = try store.snapshot().providers.first(where: { $0.ref == ref }) else { return }
            let previous = try store.cards()[ref]
            let next = report.applied(to: current)
            let pending = (previous?.pendingActions ?? []).filter { $0 != .sync }
            let card = ProviderCards.card(for: next, pending: pending, previous: previous, now: report.at)
            try store.apply(.recordProvider(next, card: card))
        }
    }
}
