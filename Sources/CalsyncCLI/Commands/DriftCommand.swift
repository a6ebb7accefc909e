import ArgumentParser
import CalsyncModel
import CalsyncPlanner

/// `calsync drift [PATHS]`: the read-only drift check; writes nothing.
struct DriftCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drift",
        abstract: "List every difference between the vendors, the state and the manifests; write nothing.",
        discussion: "Exit 0 when there is none, 2 when drift is found, 1 when it could not check."
    )

    @Argument(help: ArgumentHelp("Manifest files or directories (default: manifests/).", valueName: "paths"))
    var paths: [String] = []

    @OptionGroup var tenantOptions: TenantOptions
    @OptionGroup var configOptions: ConfigOptions

    func run() async throws {
        let runtime = try Runtime(config: configOptions, tenant: tenantOptions.tenant)
        let desired = try runtime.loadManifests(paths)
        let store = try runtime.openReadOnly()
        let snapshot = try store.map { store in try runtime.failing { try store.snapshot() } } ?? .empty
        let observed = try await runtime.refresh(store: store, snapshot: snapshot)
        let plan = Planner.plan(desired: desired, snapshot: snapshot, observed: observed, now: runtime.now, options: runtime.planOptions)
        if !snapshot.providers.contains(where: { $0.credential == .valid }) {
            runtime.console.error("note: no provider holds a credential, so no vendor was asked; drift below comes from the state and the manifests.")
        }
        var lines: [String] = []
        var seen = Set<ProviderRef>()
        for action in plan.actions where seen.insert(action.ref).inserted {
            if let tenant = runtime.configuration.tenant, tenant != action.tenant { continue }
            for drift in action.drift {
                lines.append("\(action.ref): \(drift.kind.rawValue): \(drift.detail) (repair: \(drift.repair.rawValue))")
            }
        }
        for action in plan.actions where [.create, .update, .delete, .disable].contains(action.action) {
            if let tenant = runtime.configuration.tenant, tenant != action.tenant { continue }
            lines.append("\(action.ref): \(action.action.rawValue) pending (\(action.reason.rawValue))")
        }
        guard !lines.isEmpty else {
            runtime.console.output("No drift.")
            return
        }
        runtime.console.output(lines.joined(separator: "\n"))
        throw ExitCode(2)
    }
}
