import ArgumentParser
import CalsyncExecutor
import CalsyncModel
import CalsyncState
import CalsyncSyncEngine
import Foundation

/// `calsync sync TENANT/PROVIDER [--full]`: the manual "Sync Now".
struct SyncCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sync",
        abstract: "Sync one provider now and print the counts.",
        discussion: """
            Reads the vendor's changes since the last sync (everything in the window with --full), pairs them
            with the tenant's entries and writes each side as syncDirection allows. Holds the state lock.
            Exit codes: 0 synced; 1 the sync or an event failed; 3 a person is needed (conflicts under the
            manual policy, the delete budget, authorization); 4 the lock is held.
            """
    )

    @Argument(help: ArgumentHelp("The provider, as TENANT/PROVIDER.", valueName: "provider")) var provider: String
    @Flag(help: "Read every event in the window instead of the changes since the last sync.") var full = false
    @OptionGroup var lockOptions: LockOptions
    @OptionGroup var tenantOptions: TenantOptions
    @OptionGroup var configOptions: ConfigOptions

    func validate() throws {
        guard ProviderRef(provider) != nil else {
            throw ValidationError("\"\(provider)\" is not TENANT/PROVIDER (two DNS labels, e.g. acme/google-main).")
        }
    }

    func run() async throws {
        guard let ref = ProviderRef(provider) else { return }
        let runtime = try Runtime(config: configOptions, tenant: tenantOptions.tenant)
        try runtime.checkScope(ref, snapshot: .empty)
        let startedAt = runtime.now
        guard FileManager.default.fileExists(atPath: runtime.configuration.statePath) else {
            runtime.console.error("error: provider \(ref) is not in the state: there is no state at \"\(runtime.configuration.statePath)\". Reconcile its manifest first, or name the state with --state.")
            throw ExitCode(1)
        }
        let progress = SyncProgressView(console: runtime.console, ref: ref)
        let report = try await runtime.syncProvider(
            ref, full: full, lockCommand: "calsync sync \(ref)", timeout: try lockOptions.timeout(), startedAt: startedAt,
            progress: { progress.show($0) })
        progress.finish()

        for failure in report.failures { runtime.console.error("failed: \(ref): \(failure)") }
        switch report.outcome {
        case .completed:
            if report.conflicts > 0 {
                runtime.console.error(
                    "blocked: \(ref): \(report.conflicts) mapping\(report.conflicts == 1 ? "" : "s") in conflict: run `calsync conflicts list --tenant \(ref.tenant)`")
            }
        case .failed(let message): runtime.console.error("error: sync of \(ref) failed: \(message)")
        case .deleteBudgetExceeded: runtime.console.error("blocked: \(ref): \(report.errorText ?? "")")
        case .authorizationRequired: runtime.console.error("blocked: \(ref): authorization required: run `calsync authorize \(ref)`")
        }
        runtime.console.output("Synced \(ref): \(report.countsLine).")
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}

/// One progress line on standard error, rewritten in place, only on a terminal.
final class SyncProgressView: @unchecked Sendable {
    private let console: Console
    private let ref: ProviderRef
    private let isTerminal = isatty(STDERR_FILENO) == 1
    private let lock = NSLock()
    private var wroteLine = false

    init(console: Console, ref: ProviderRef) {
        self.console = console
        self.ref = ref
    }

    func show(_ progress: SyncProgress) {
        guard isTerminal else { return }
        let text: String
        switch progress {
        case .reading(let full): text = "\(ref): reading \(full ? "every event in the window" : "changes")…"
        case .read(let events): text = "\(ref): \(events) change\(events == 1 ? "" : "s") read"
        case .applying(let done, let total): text = "\(ref): applying \(done)/\(total)"
        }
        lock.lock()
        defer { lock.unlock() }
        FileHandle.standardError.write(Data(("\r\u{1B}[2K" + text).utf8))
        wroteLine = true
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if wroteLine { FileHandle.standardError.write(Data("\r\u{1B}[2K".utf8)) }
    }
}
