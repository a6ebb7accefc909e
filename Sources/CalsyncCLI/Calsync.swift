import ArgumentParser

/// The `calsync` command tree.
public struct Calsync: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "calsync",
        abstract: "Declarative GitOps reconciler for Google Calendar and Microsoft Outlook sync.",
        discussion: """
            Manifests under manifests/ declare tenants, calendar providers and notification channels.
            `calsync validate` checks them, `calsync plan` shows what `calsync apply` or `calsync reconcile`
            would do, `calsync status` prints the provider cards.
            """,
        version: CalsyncVersion.current,
        subcommands: [
            ValidateCommand.self, PlanCommand.self, ApplyCommand.self, ReconcileCommand.self, DriftCommand.self,
            StatusCommand.self, SyncCommand.self, AuthorizeCommand.self, EntriesCommand.self, ConflictsCommand.self,
            MappingsCommand.self, TenantsCommand.self, StateCommand.self, KeysCommand.self, DoctorCommand.self,
            ServeCommand.self,
            SchemaCommand.self,
        ]
    )

    public init() {}
}

/// The version printed by `calsync --version`.
public enum CalsyncVersion {
    public static let current = "0.1.0"
}

extension Calsync {
    /// Runs the command line of this process and exits with its code.
    public static func entryPoint() async {
        let command: any AsyncParsableCommand.Type = Calsync.self
        await command.main()
    }
}
