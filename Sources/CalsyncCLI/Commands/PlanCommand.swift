import ArgumentParser
import CalsyncModel
import CalsyncPlanner
import Foundation

/// `calsync plan [PATHS]`: what apply would do. Never writes state.
struct PlanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Show the actions apply would take; never writes state.",
        discussion: """
            --detailed-exitcode: 0 nothing to do, 2 changes pending, 1 error (routine syncs do not count).
            --out FILE saves the plan for `calsync apply FILE`.
            """
    )

    @Argument(help: ArgumentHelp("Manifest files or directories (default: manifests/).", valueName: "paths"))
    var paths: [String] = []

    @Option(name: .long, help: "Output format.")
    var format: PlanFormat = .text

    @Flag(name: .long, help: "Same as --format json.")
    var json = false

    @Option(name: .long, help: ArgumentHelp("Save the plan as JSON for `calsync apply FILE`.", valueName: "file"))
    var out: String?

    @Flag(name: .customLong("detailed-exitcode"), help: "Exit 2 when changes are pending.")
    var detailedExitcode = false

    @Flag(inversion: .prefixedNo, help: "Refresh actual state from the vendors (default: on when credentials are at hand).")
    var refresh = true

    @OptionGroup var tenantOptions: TenantOptions
    @OptionGroup var configOptions: ConfigOptions

    func run() async throws {
        let runtime = try Runtime(config: configOptions, tenant: tenantOptions.tenant)
        let desired = try runtime.loadManifests(paths)
        let store = try runtime.openReadOnly()
        let snapshot = try store.map { store in try runtime.failing { try store.snapshot() } } ?? .empty
        let observed = refresh ? try await runtime.refresh(store: store, snapshot: snapshot) : nil
        let plan = try runtime.scoped(
            Planner.plan(desired: desired, snapshot: snapshot, observed: observed, now: runtime.now, options: runtime.planOptions),
            snapshot: snapshot)
        if let out {
            do {
                try PlanJSONView.render(plan).write(toFile: out, atomically: true, encoding: .utf8)
            } catch {
                runtime.console.error("error: cannot write the plan to \"\(out)\": \(error)")
                throw ExitCode(1)
            }
        }
        switch json ? .json : format {
        case .text: runtime.console.output(PlanTextView.render(plan, color: runtime.console.isColorEnabled))
        case .markdown: runtime.console.output(PlanMarkdownView.render(plan))
        case .json: runtime.console.output(try PlanJSONView.render(plan))
        }
        if detailedExitcode && plan.hasChanges { throw ExitCode(2) }
    }
}
