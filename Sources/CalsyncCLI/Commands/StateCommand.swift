import ArgumentParser
import CalsyncState
import Foundation

/// `calsync state ...`: maintenance of the state database.
struct StateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "state",
        abstract: "Maintain the state database: unlock, backup, migrate.",
        subcommands: [Unlock.self, Backup.self, Migrate.self]
    )

    /// `calsync state unlock --force ID`.
    struct Unlock: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Break the state lock of a run that is gone or stuck.",
            discussion: "The lock id is printed by the run that found the lock held."
        )

        @Option(name: .long, help: ArgumentHelp("The lock id to break.", valueName: "id"))
        var force: String

        @OptionGroup var configOptions: ConfigOptions

        func run() async throws {
            let runtime = try Runtime(config: configOptions)
            try runtime.failing { try StateLock.forceUnlock(databasePath: runtime.configuration.statePath, id: force) }
            runtime.console.output("Unlocked: lock \(force) on \(runtime.configuration.statePath) was broken.")
        }
    }

    /// `calsync state backup FILE`.
    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a consistent copy of the state (SQLite online backup).")

        @Argument(help: ArgumentHelp("Where to write the copy.", valueName: "file"))
        var file: String

        @OptionGroup var configOptions: ConfigOptions

        func run() async throws {
            let runtime = try Runtime(config: configOptions)
            guard let store = try runtime.openReadOnly() else {
                runtime.console.error("error: no state database at \"\(runtime.configuration.statePath)\". Name it with --state.")
                throw ExitCode(1)
            }
            try runtime.failing { try store.backup(to: file) }
            runtime.console.output("Backed up \(runtime.configuration.statePath) to \(file).")
        }
    }

    /// `calsync state migrate`.
    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply schema migrations to the state database.")

        @OptionGroup var lockOptions: LockOptions
        @OptionGroup var configOptions: ConfigOptions

        func run() async throws {
            let runtime = try Runtime(config: configOptions)
            let lock = try await runtime.lock(command: "calsync state migrate", timeout: try lockOptions.timeout())
            defer { lock.release() }
            _ = try runtime.openReadWrite()
            runtime.console.output("The state at \(runtime.configuration.statePath) is migrated.")
        }
    }
}
