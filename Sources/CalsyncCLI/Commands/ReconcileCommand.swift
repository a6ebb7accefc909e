import ArgumentParser
import CalsyncExecutor
import CalsyncModel
import CalsyncPlanner
import CalsyncState
import CalsyncStatus
import Foundation

/// `calsync reconcile [PATHS]`: plan + apply + status files, without asking. The CI and timer entry point.
struct ReconcileCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconcile",
        abstract: "Plan, apply and write status files, without asking: the merged manifests are the approval.",
        discussion: """
            A provider removed from the manifests is deleted unless it was applied with protect: true.
            More provider deletes than --max-provider-deletes delete nothing and exit 3.
            Exit codes: 0 converged, 1 error, 3 blocked on a person (listed on stderr), 4 state lock held.
            """
    )

    @Argument(help: ArgumentHelp("Manifest files or directories (default: manifests/).", valueName: "paths"))
    var paths: [String] = []

    @Flag(name: .customLong("dry-run"), help: "Stop after the plan; still write status files with the pending actions.")
    var dryRun = false

    @Flag(help: "Allow reconciling into an empty state while status/ holds provider cards.")
    var `init` = false

    @Option(name: .customLong("max-provider-deletes"), help: "Most provider deletes in one run (default 5).")
    var maxProviderDeletes: Int?

    @Flag(inversion: .prefixedNo, help: "Refresh actual state from the vendors (default: on when credentials are at hand).")
    var refresh = true

    @Flag(help: "Repeat until stopped.")
    var watch = false

    @Option(help: ArgumentHelp("Time between runs with --watch (default 5m).", valueName: "duration"))
    var interval: String = "5m"

    @OptionGroup var lockOptions: LockOptions
    @OptionGroup var tenantOptions: TenantOptions
    @OptionGroup var configOptions: ConfigOptions

    func validate() throws {
        guard SpecDurationArgument(interval).map({ $0 >= 1 }) == true else {
            throw ValidationError("--interval \"\(interval)\" is not a duration of at least 1s. Write one such as 5m.")
        }
        if let maxProviderDeletes, maxProviderDeletes < 0 {
            throw ValidationError("--max-provider-deletes must be 0 or more.")
        }
    }

    func run() async throws {
        let runtime = try Runtime(config: configOptions, tenant: tenantOptions.tenant)
        let timeout = try lockOptions.timeout()
        guard watch else {
            let code = try await reconcileOnce(runtime: runtime, timeout: timeout)
            if code != 0 { throw ExitCode(code) }
            return
        }
        let seconds = SpecDurationArgument(interval) ?? 300
        while !Task.isCancelled {
            do {
                let code = try await reconcileOnce(runtime: runtime, timeout: timeout)
                runtime.console.error("reconcile finished with exit code \(code); next run in \(interval)")
            } catch let exit as ExitCode {
                runtime.console.error("reconcile finished with exit code \(exit.rawValue); next run in \(interval)")
            }
            try await Task.sleep(for: .seconds(seconds))
        }
    }

    private func refuseLostState(_ runtime: Runtime) {
        runtime.console.error(
            "error: the state at \"\(runtime.configuration.statePath)\" is empty, but \"\(runtime.configuration.statusDir)\" holds provider cards: the state file may be lost. Restore it (`calsync state backup` makes copies), or rerun with --init to adopt the manifests as new.")
    }

    private func reconcileOnce(runtime: Runtime, timeout: Duration?) async throws -> Int32 {
        let startedAt = runtime.now
        let desired = try runtime.loadManifests(paths)
        if dryRun {
            let store = try runtime.openReadOnly()
            let snapshot = try store.map { store in try runtime.failing { try store.snapshot() } } ?? .empty
            let observed = refresh ? try await runtime.refresh(store: store, snapshot: snapshot) : nil
            let plan = try runtime.scoped(
                Planner.plan(desired: desired, snapshot: snapshot, observed: observed, now: runtime.now, options: runtime.planOptions),
                snapshot: snapshot)
            runtime.console.output(PlanTextView.render(plan, color: runtime.console.isColorEnabled))
            try runtime.writeStatus(try runtime.pendingCards(store: store, plan: plan))
            return 0
        }
        let statusDirectory = StatusWriter(directory: runtime.configuration.statusDir)
        if !FileManager.default.fileExists(atPath: runtime.configuration.statePath), statusDirectory.hasProviderCards(), !self.`init` {
            refuseLostState(runtime)
            return 1
        }
        let lock = try await runtime.lock(command: "calsync reconcile", timeout: timeout)
        defer { lock.release() }
        let store = try runtime.openReadWrite()
        let snapshot = try runtime.failing { try store.snapshot() }
        if try runtime.failing({ try store.isEmpty() }), statusDirectory.hasProviderCards(), !self.`init` {
            refuseLostState(runtime)
            return 1
        }
        let vendors = try runtime.vendors(store: store, snapshot: snapshot, persists: true)
        let observed = refresh ? await vendors?.observe(snapshot, store: store, now: runtime.now) : nil
        let plan = try runtime.scoped(
            Planner.plan(desired: desired, snapshot: snapshot, observed: observed, now: runtime.now, options: runtime.planOptions),
            snapshot: snapshot)
        let options = Executor.Options(
            allowDelete: true, maxProviderDeletes: maxProviderDeletes ?? runtime.configuration.maxProviderDeletes)
        let report = try await runtime.execute(
            plan, snapshot: snapshot, store: store, options: options, command: "reconcile", startedAt: startedAt,
            vendors: vendors, observed: observed ?? ObservedState())
        runtime.reportBlocked(report)
        let changed = report.applied.count
        runtime.console.output(
            changed == 0 && report.blocked.isEmpty
                ? "Reconcile: converged, nothing to do."
                : "Reconcile: \(changed) action\(changed == 1 ? "" : "s") applied, \(report.blocked.count) blocked, \(report.failed.count) failed.")
        return report.exitCode
    }
}
