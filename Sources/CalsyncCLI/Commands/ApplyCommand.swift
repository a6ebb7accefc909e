import ArgumentParser
import CalsyncExecutor
import CalsyncManifest
import CalsyncModel
import CalsyncPlanner
import Foundation

/// `calsync apply [PLANFILE | PATHS]`: executes a saved plan, or plans and asks first.
struct ApplyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply",
        abstract: "Execute a saved plan, or plan and apply after confirmation.",
        discussion: """
            A saved plan (from `calsync plan --out FILE`) is the approval: it is applied without asking,
            deletes included, unless the state or the manifests moved since ("plan is stale").
            Without a plan file, apply asks on a terminal; elsewhere it needs --auto-approve, and deletes
            also need --allow-delete (without it they are skipped, listed, and the run exits 3).
            """
    )

    @Argument(help: ArgumentHelp("A saved plan file, or manifest paths (default: manifests/).", valueName: "planfile-or-paths"))
    var arguments: [String] = []

    @Flag(name: .customLong("auto-approve"), help: "Apply without asking.")
    var autoApprove = false

    @Flag(inversion: .prefixedNo, help: "Refresh actual state from the vendors (default: on when credentials are at hand).")
    var refresh = true

    @Flag(name: .customLong("allow-delete"), help: "Let an approved run delete providers.")
    var allowDelete = false

    @OptionGroup var lockOptions: LockOptions
    @OptionGroup var tenantOptions: TenantOptions
    @OptionGroup var configOptions: ConfigOptions

    func run() async throws {
        let runtime = try Runtime(config: configOptions, tenant: tenantOptions.tenant)
        let timeout = try lockOptions.timeout()
        if arguments.count == 1, let data = savedPlan(arguments[0]) {
            try await applySaved(data, path: arguments[0], runtime: runtime, timeout: timeout)
            return
        }
        let desired = try runtime.loadManifests(arguments)
        let lock = try await runtime.lock(command: "calsync apply", timeout: timeout)
        defer { lock.release() }
        let store = try runtime.openReadWrite()
        let snapshot = try runtime.failing { try store.snapshot() }
        let vendors = try runtime.vendors(store: store, snapshot: snapshot, persists: true)
        let observed = refresh ? await vendors?.observe(snapshot, store: store, now: runtime.now) : nil
        let plan = try runtime.scoped(
            Planner.plan(desired: desired, snapshot: snapshot, observed: observed, now: runtime.now, options: runtime.planOptions),
            snapshot: snapshot)
        runtime.console.output(PlanTextView.render(plan, color: runtime.console.isColorEnabled))
        guard !plan.actions.isEmpty || plan.hasChanges else { return }
        if !autoApprove {
            guard isatty(STDIN_FILENO) == 1 else {
                runtime.console.error("error: apply needs confirmation, and standard input is not a terminal. Rerun with --auto-approve, or apply a saved plan.")
                throw ExitCode(1)
            }
            runtime.console.output("\nDo you want to apply these actions? Only 'yes' will be accepted.")
            guard readLine()?.trimmingCharacters(in: .whitespaces) == "yes" else {
                runtime.console.error("Apply cancelled.")
                throw ExitCode(1)
            }
        }
        let report = try await runtime.execute(
            plan, snapshot: snapshot, store: store, options: .init(allowDelete: allowDelete || !autoApprove),
            command: "apply", startedAt: plan.createdAt, vendors: vendors, observed: observed ?? ObservedState())
        runtime.reportBlocked(report)
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }

    /// The plan in `path` when it is a saved plan file (JSON), nil for manifest paths.
    private func savedPlan(_ path: String) -> Data? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
            let data = FileManager.default.contents(atPath: path),
            data.first(where: { !($0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09) }) == UInt8(ascii: "{")
        else { return nil }
        return data
    }

    private func applySaved(_ data: Data, path: String, runtime: Runtime, timeout: Duration?) async throws {
        let plan: Plan
        do {
            plan = try PlanJSONView.decode(data)
        } catch {
            runtime.console.error("error: \"\(path)\" is not a calsync plan (\(error)). Save one with `calsync plan --out FILE`.")
            throw ExitCode(1)
        }
        guard plan.formatVersion == Plan.currentFormatVersion else {
            runtime.console.error("error: \"\(path)\" has plan format \(plan.formatVersion); this calsync reads \(Plan.currentFormatVersion). Plan again.")
            throw ExitCode(1)
        }
        if let tenant = runtime.configuration.tenant, plan.tenantScope != tenant {
            let others = Set(plan.actions.map(\.tenant.rawValue) + plan.tenants.map(\.name)).subtracting([tenant.rawValue])
            if !others.isEmpty || !plan.channels.isEmpty {
                runtime.console.error("error: Forbidden: \"\(path)\" changes \(others.isEmpty ? "notification channels" : "tenants " + others.sorted().joined(separator: ", ")), not only the active tenant \"\(tenant)\". Plan again with --tenant \(tenant).")
                throw ExitCode(1)
            }
        }
        let lock = try await runtime.lock(command: "calsync apply \(path)", timeout: timeout)
        defer { lock.release() }
        let store = try runtime.openReadWrite()
        let snapshot = try runtime.failing { try store.snapshot() }
        var stale: [String] = []
        if snapshot.serial != plan.stateSerial {
            stale.append("the state serial is \(snapshot.serial), the plan was made at \(plan.stateSerial)")
        } else if ManifestDigest.digest(of: plan.desired) != plan.manifestDigest {
            stale.append("its manifests do not match its manifestDigest")
        } else {
            // The same manifests against the same state must give the same actions: a plan file is
            // applied only as it was made.
            var again = Planner.plan(
                desired: plan.desired, snapshot: snapshot, observed: ObservedState(drift: plan.actions), now: plan.createdAt,
                options: runtime.planOptions)
            if let scope = plan.tenantScope { again = again.scoped(to: scope) }
            if again.actions != plan.actions || again.tenants != plan.tenants || again.channels != plan.channels {
                stale.append("its actions are not those its manifests and the state give")
            }
        }
        guard stale.isEmpty else {
            runtime.console.error("error: plan is stale: \(stale.joined(separator: "; ")). Run `calsync plan --out FILE` again.")
            throw ExitCode(1)
        }
        let vendors = try runtime.vendors(store: store, snapshot: snapshot, persists: true)
        let report = try await runtime.execute(
            plan, snapshot: snapshot, store: store, options: .init(allowDelete: true), command: "apply \(path)",
            startedAt: runtime.now, vendors: vendors, observed: ObservedState(drift: plan.actions))
        runtime.console.output("Applied \(report.applied.count) action\(report.applied.count == 1 ? "" : "s").")
        runtime.reportBlocked(report)
        if report.exitCode != 0 { throw ExitCode(report.exitCode) }
    }
}
