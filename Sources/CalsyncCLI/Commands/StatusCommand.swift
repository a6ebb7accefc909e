import ArgumentParser
import CalsyncModel
import CalsyncStatus
import Foundation

/// `calsync status [TENANT[/PROVIDER]]`: provider cards from state.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Print provider cards from state.",
        discussion: "Read-only: exits 0 whatever the cards show; 1 when a named tenant or provider is unknown."
    )

    @Argument(help: ArgumentHelp("A tenant, or TENANT/PROVIDER (default: every tenant).", valueName: "target"))
    var target: String?

    @Option(name: [.customShort("o"), .long], help: "Output format.")
    var output: OutputFormat = .table

    @OptionGroup var tenantOptions: TenantOptions
    @OptionGroup var configOptions: ConfigOptions

    func run() async throws {
        let runtime = try Runtime(config: configOptions, tenant: tenantOptions.tenant)
        let store = try runtime.openReadOnly()
        var cards = try store.map { try runtime.statusCards(store: $0, plan: nil) } ?? []
        func requireKnown(_ tenant: TenantName) throws {
            guard try store.map({ try $0.isKnownTenant(tenant) }) == true else {
                runtime.console.error("error: tenant \"\(tenant)\" is not in the state. Check the name, or reconcile first.")
                throw ExitCode(1)
            }
        }
        if let target {
            if let ref = ProviderRef(target) {
                try runtime.checkScope(ref, snapshot: .empty)
                cards = cards.filter { $0.ref == ref }
                guard !cards.isEmpty else {
                    runtime.console.error("error: provider \"\(ref)\" is not in the state. Check the name, or reconcile first.")
                    throw ExitCode(1)
                }
            } else if let tenant = TenantName(rawValue: target) {
                if let active = runtime.configuration.tenant, active != tenant {
                    runtime.console.error("error: Forbidden: tenant \"\(tenant)\" is not the active tenant \"\(active)\".")
                    throw ExitCode(1)
                }
                try requireKnown(tenant)
                cards = cards.filter { $0.ref.tenant == tenant }
            } else {
                throw ValidationError("\"\(target)\" is neither a tenant nor TENANT/PROVIDER.")
            }
        } else if let active = runtime.configuration.tenant {
            try requireKnown(active)
            cards = cards.filter { $0.ref.tenant == active }
        }
        switch output {
        case .yaml: runtime.console.output(cards.map(StatusYAML.render).joined(separator: "---\n"), terminator: "")
        case .json: runtime.console.output(StatusJSON.render(cards))
        case .table: runtime.console.output(StatusTable.render(cards))
        }
    }
}
