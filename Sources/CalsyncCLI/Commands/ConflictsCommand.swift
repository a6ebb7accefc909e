import ArgumentParser
import CalsyncModel
import CalsyncState
import Foundation

/// `calsync conflicts list|resolve`: mappings changed on both sides under `conflictPolicy: manual`.
struct ConflictsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "conflicts",
        abstract: "List the mappings in conflict and settle them.",
        discussion: """
            A mapping is in conflict when its entry and its vendor event both changed since the last sync and
            the provider's conflictPolicy is manual. `resolve` chooses a side; the next sync writes it to the
            other. Both commands write in short transactions of their own, so they work while a sync runs.
            """,
        subcommands: [List.self, Resolve.self]
    )

    /// Which side `--keep` names.
    enum Side: String, ExpressibleByArgument, CaseIterable {
        case local
        case external

        var resolution: ConflictResolution { self == .local ? .keepLocal : .keepExternal }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show every conflict of the tenant with both versions (read-only).",
            discussion: "The only view that shows event titles and descriptions: the tenant's own data, for its operator.")
        @Option(name: [.customShort("o"), .long], help: "Output format.") var output: ListFormat = .table
        @OptionGroup var tenantOptions: TenantOptions
        @OptionGroup var configOptions: ConfigOptions

        func run() async throws {
            let runtime = try Runtime(config: configOptions, tenant: tenantOptions.tenant)
            let conflicts = try MappingsCommand.withStore(runtime, readOnly: true) { store, tenant in
                try store.conflicts(tenant: tenant)
            }
            switch output {
            case .json: runtime.console.output(ConflictJSON.list(conflicts).rendered())
            case .table: runtime.console.output(ConflictText.render(conflicts))
            }
        }
    }

    struct Resolve: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Settle one conflict: keep the local entry or the external event.")
        @Argument(help: ArgumentHelp("The mapping id, as `conflicts list` shows it.", valueName: "mapping")) var mapping: String
        @Option(help: "The side to keep.") var keep: Side
        @OptionGroup var tenantOptions: TenantOptions
        @OptionGroup var configOptions: ConfigOptions

        func run() async throws {
            let runtime = try Runtime(config: configOptions, tenant: tenantOptions.tenant)
            let resolved = try MappingsCommand.withStore(runtime) { store, tenant in
                try store.resolveConflict(MappingID(rawValue: mapping), tenant: tenant, keep: keep.resolution)
            }
            let other = keep == .local ? "the vendor event" : "the entry"
            runtime.console.output(
                "Resolved \(resolved.id): keeping the \(keep.rawValue) version; the next sync of \(resolved.ref) writes it to \(other).")
        }
    }
}

/// `calsync mappings reset`: clears a mapping's stuck status.
struct MappingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mappings",
        abstract: "Maintain the mappings between entries and vendor events.",
        subcommands: [Reset.self]
    )

    struct Reset: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Clear a stuck sync status (error, conflict, parked); the next sync decides the pair again.",
            discussion: """
                The mapping goes back to pending with its error, conflict record and any resolution dropped; its
                base (the hashes and etag of the last sync) is kept. A conflict that still holds is detected again
                by the next sync; `calsync conflicts resolve` settles one.
                """)
        @Argument(help: ArgumentHelp("The mapping id.", valueName: "mapping")) var mapping: String
        @OptionGroup var tenantOptions: TenantOptions
        @OptionGroup var configOptions: ConfigOptions

        func run() async throws {
            let runtime = try Runtime(config: configOptions, tenant: tenantOptions.tenant)
            let reset = try MappingsCommand.withStore(runtime) { store, tenant in
                try store.resetMapping(MappingID(rawValue: mapping), tenant: tenant)
            }
            runtime.console.output("Reset \(reset.id) (\(reset.ref)): status \(reset.status.rawValue); the next sync decides it again.")
        }
    }

    /// Runs `body` against the state for the active tenant, turning mapping refusals into messages and exit 1.
    static func withStore<T>(
        _ runtime: Runtime, readOnly: Bool = false, _ body: (SQLiteStateStore, TenantName) throws -> T
    ) throws -> T {
        do {
            return try EntriesCommand.withStore(runtime, readOnly: readOnly) { store, tenant in
                do {
                    return try body(store, tenant)
                } catch let error as MappingError {
                    throw MappingRefusal(error: error)
                }
            }
        } catch let refusal as MappingRefusal {
            runtime.console.error("error: \(refusal.error.message)")
            throw ExitCode(1)
        }
    }

    /// Carries a `MappingError` past the entry error handling.
    private struct MappingRefusal: Error {
        let error: MappingError
    }
}
