import ArgumentParser
import CalsyncExecutor
import CalsyncManifest
import CalsyncModel
import CalsyncNotify
import CalsyncPlanner
import CalsyncProviders
import CalsyncSecrets
import CalsyncState
import CalsyncStatus
import Foundation

/// The composition root of one command: configuration, clock, manifests, state and views, built once.
struct Runtime {
    let environment: [String: String]
    let console: Console
    let configuration: Configuration

    init(config: ConfigOptions, tenant: String? = nil) throws {
        environment = ProcessEnvironment.current
        console = Console(environment: environment)
        configuration = try config.resolve(tenant: tenant, environment: environment, console: console)
    }

    /// calsync's clock: the system clock shifted by `CALSYNC_CLOCK_OFFSET`.
    var now: Date { Date().addingTimeInterval(TimeInterval(configuration.clockOffset.seconds)) }

    var planOptions: PlanOptions {
        PlanOptions(
            webhooksEnabled: configuration.webhookBaseURL != nil, webhookRenewBefore: configuration.webhookRenewBefore)
    }

    /// The desired state, or exit 1 after printing every diagnostic.
    func loadManifests(_ paths: [String]) throws -> DesiredState {
        let set = ManifestLoader.load(paths: paths.isEmpty ? ["manifests/"] : paths)
        let view = DiagnosticsView(console: console)
        view.render(set.diagnostics)
        guard let desired = set.desired, !set.hasErrors else {
            console.error(view.summary(set.diagnostics))
            throw ExitCode(1)
        }
        return desired
    }

    /// Opens the state for reading; nil when the file does not exist yet (never created here).
    func openReadOnly() throws -> SQLiteStateStore? {
        guard FileManager.default.fileExists(atPath: configuration.statePath) else { return nil }
        return try failing { try SQLiteStateStore(path: configuration.statePath, mode: .readOnly) }
    }

    func openReadWrite() throws -> SQLiteStateStore {
        try failing { try SQLiteStateStore(path: configuration.statePath, mode: .readWrite) }
    }

    /// The token keyring from `CALENDAR_OAUTH_ENCRYPTION_KEY`, `CALENDAR_OAUTH_DECRYPTION_KEYS` and
    /// `extraDecryptionVariables`, sealing with the system's random generator; exit 1 naming the
    /// variable when a key is missing or malformed.
    func keyring(extraDecryptionVariables: [String] = []) throws -> Keyring {
        do throws(KeyringError) {
            return try Keyring.fromEnvironment(
                environment, extraDecryptionVariables: extraDecryptionVariables, random: .system)
        } catch {
            console.error("error: \(error.message)")
            throw ExitCode(1)
        }
    }

    /// Takes the run lock, or exits 4 naming the holder.
    func lock(command: String, timeout: Duration?) async throws -> StateLock {
        let holder = LockHolder(
            id: UUID().uuidString.prefix(8).lowercased(), command: command, pid: ProcessInfo.processInfo.processIdentifier,
            host: ProcessInfo.processInfo.hostName, since: Date())
        do {
            return try await StateLock.acquire(databasePath: configuration.statePath, holder: holder, timeout: timeout)
        } catch let error as StateError {
            console.error("error: \(error.message)")
            throw ExitCode(error.isRetryable ? 4 : 1)
        }
    }

    /// Runs `body`, turning a `StateError` into its message and exit code 1.
    func failing<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StateError {
            console.error("error: \(error.message)")
            throw ExitCode(error.isRetryable ? 4 : 1)
        }
    }

    /// Runs `body`, turning a `StateError` into its message and exit code 1 (4 for a held lock).
    func failing<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StateError {
            console.error("error: \(error.message)")
            throw ExitCode(error.isRetryable ? 4 : 1)
        }
    }

    /// The active tenant must be known to the state; naming another tenant's provider is `Forbidden`.
    func checkScope(_ ref: ProviderRef, snapshot: StateSnapshot) throws {
        if let tenant = configuration.tenant, tenant != ref.tenant {
            console.error("error: Forbidden: \(ref) belongs to tenant \"\(ref.tenant)\", not the active tenant \"\(tenant)\". Use --tenant \(ref.tenant).")
            throw ExitCode(1)
        }
    }

    /// Narrows `plan` to the active tenant, which the manifests or the state must know; exit 1 otherwise.
    func scoped(_ plan: Plan, snapshot: StateSnapshot) throws -> Plan {
        guard let tenant = configuration.tenant else { return plan }
        let known = plan.desired.tenants.contains { $0.name == tenant } || snapshot.tenants.contains { $0.name == tenant }
            || snapshot.providers.contains { $0.ref.tenant == tenant }
        guard known else {
            console.error("error: tenant \"\(tenant)\" is neither declared in the manifests nor recorded in the state. Check --tenant or CALSYNC_TENANT.")
            throw ExitCode(1)
        }
        return plan.scoped(to: tenant)
    }

    /// Provider cards of everything in state, with drift and pending actions from `plan`.
    func statusCards(store: SQLiteStateStore, plan: Plan?) throws -> [ProviderStatus] {
        let snapshot = try failing { try store.snapshot() }
        let cards = try failing { try store.cards() }
        return statusCards(snapshot: snapshot, cards: cards, plan: plan, conflicts: try conflictSummaries(store: store))
    }

    /// The conflicts each provider's card lists, by ids only.
    func conflictSummaries(store: SQLiteStateStore) throws -> [ProviderRef: [ProviderStatus.ConflictSummary]] {
        var summaries: [ProviderRef: [ProviderStatus.ConflictSummary]] = [:]
        for provider in try failing({ try store.snapshot() }).providers {
            for conflict in try failing({ try store.conflicts(of: provider.ref) }) {
                summaries[conflict.ref, default: []].append(
                    ProviderStatus.ConflictSummary(
                        mapping: conflict.mapping.rawValue, entry: conflict.entryID?.rawValue ?? "",
                        externalId: conflict.externalID ?? "", detectedAt: conflict.detectedAt))
            }
        }
        return summaries
    }

    /// The cards `reconcile --dry-run` writes: those in state, plus the providers the plan would create,
    /// each with its pending actions.
    func pendingCards(store: SQLiteStateStore?, plan: Plan) throws -> [ProviderStatus] {
        let snapshot = try store.map { store in try failing { try store.snapshot() } } ?? .empty
        let cards = try store.map { store in try failing { try store.cards() } } ?? [:]
        let conflicts = try store.map { try conflictSummaries(store: $0) } ?? [:]
        let pending = Dictionary(grouping: plan.actions, by: \.ref)
        var states = snapshot
        for spec in plan.desired.providers where pending[spec.ref]?.contains(where: { $0.action == .create }) == true {
            states.providers.append(ProviderState(ref: spec.ref, applied: spec, isActive: spec.enabled))
        }
        return statusCards(snapshot: states, cards: cards, plan: plan, conflicts: conflicts).map { card in
            var card = card
            card.pendingActions = pending[card.ref]?.map(\.action) ?? []
            return card
        }.sorted { $0.ref < $1.ref }
    }

    private func statusCards(
        snapshot: StateSnapshot, cards: [ProviderRef: ProviderCardState], plan: Plan?,
        conflicts: [ProviderRef: [ProviderStatus.ConflictSummary]]
    ) -> [ProviderStatus] {
        var driftByProvider: [ProviderRef: [Drift]] = [:]
        for action in plan?.actions ?? [] where driftByProvider[action.ref] == nil {
            driftByProvider[action.ref] = action.drift
        }
        return snapshot.providers.map { state in
            let card = cards[state.ref] ?? ProviderCards.card(for: state, pending: [], previous: nil, now: now)
            return ProviderStatus(
                state: state, card: card, connection: ProviderCards.connection(for: state),
                drift: driftByProvider[state.ref] ?? [], conflicts: conflicts[state.ref] ?? [])
        }
    }

    func writeStatus(_ cards: [ProviderStatus]) throws {
        do {
            try StatusWriter(directory: configuration.statusDir).write(cards)
        } catch {
            console.error("error: cannot write status files to \"\(configuration.statusDir)\": \(error)")
            throw ExitCode(1)
        }
    }

    /// Applies `plan`, writes the status files and records the run: the tail every writing command shares.
    func execute(
        _ plan: Plan, snapshot: StateSnapshot, store: SQLiteStateStore, options: Executor.Options, command: String,
        startedAt: Date, vendors: Vendors? = nil, observed: ObservedState = ObservedState()
    ) async throws -> ApplyReport {
        let executor = Executor(store: store, vendor: vendors?.actions(store: store, runtime: self), now: now)
        let report = try await failing {
            try await executor.apply(plan, snapshot: snapshot, observed: observed, options: options)
        }
        for warning in report.warnings { console.error("warning: \(warning)") }
        try writeStatus(statusCards(store: store, plan: plan))
        try await notify(store: store)
        recordRun(report, command: command, startedAt: startedAt, store: store)
        return report
    }

    /// Appends the outbox's new events to `status/events.jsonl` and delivers the due ones to the
    /// notification channels. A failed delivery is a warning (it is retried by a later run); an
    /// unwritable journal or state is exit 1.
    func notify(store: SQLiteStateStore) async throws {
        let notifier = Notifier(
            store: store, statusDirectory: configuration.statusDir, environment: environment,
            transport: URLSessionTransport(defaultTimeout: .seconds(10)),
            random: GeneratorRandomSource(SystemRandomNumberGenerator()), clock: ContinuousClock(), now: now)
        let report = await notifier.run()
        for warning in report.warnings { console.error(warning) }
        guard report.errors.isEmpty else {
            for error in report.errors { console.error("error: \(error)") }
            throw ExitCode(1)
        }
    }

    /// Records the run in the state's history when it changed anything; a no-op run writes nothing.
    private func recordRun(_ report: ApplyReport, command: String, startedAt: Date, store: SQLiteStateStore) {
        guard !report.applied.isEmpty || !report.failed.isEmpty else { return }
        let summary = "\(report.applied.count) applied, \(report.blocked.count) blocked, \(report.failed.count) failed"
        try? store.recordRun(
            RunRecord(
                id: UUID().uuidString.lowercased(), command: command, startedAt: startedAt, finishedAt: now,
                exitCode: report.exitCode, summary: summary))
    }

    /// Lists what needs a person on stderr.
    func reportBlocked(_ report: ApplyReport) {
        for item in report.blocked { console.error("blocked: \(item)") }
        for item in report.failed { console.error("failed: \(item)") }
    }
}

/// Parses a duration flag value into whole seconds.
func SpecDurationArgument(_ text: String) -> Int64? {
    SpecDuration(parsing: text).map(\.seconds)
}
