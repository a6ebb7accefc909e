import ArgumentParser
import CalsyncModel
import CalsyncSecrets
import CalsyncState
import Foundation

/// `calsync keys ...`: the keys that seal OAuth tokens in the state.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Manage the keys that seal OAuth tokens in the state.",
        discussion: """
            Tokens are sealed under CALENDAR_OAUTH_ENCRYPTION_KEY (32 bytes, base64); keys listed in \
            CALENDAR_OAUTH_DECRYPTION_KEYS (comma-separated) can still open older records.
            """,
        subcommands: [Rotate.self]
    )

    /// `calsync keys rotate [--old-key-env NAME]`.
    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Re-seal every stored token under the current key.",
            discussion: """
                A rotation: make the new key CALENDAR_OAUTH_ENCRYPTION_KEY and add the old one to \
                CALENDAR_OAUTH_DECRYPTION_KEYS everywhere, run `calsync keys rotate`, then drop the old key. \
                All records are re-sealed in one transaction; when one cannot be opened, nothing changes.
                """
        )

        @Option(
            name: .customLong("old-key-env"),
            help: ArgumentHelp("One more old key, read from this environment variable.", valueName: "name"))
        var oldKeyEnv: String?

        @OptionGroup var lockOptions: LockOptions
        @OptionGroup var configOptions: ConfigOptions

        func run() async throws {
            let runtime = try Runtime(config: configOptions)
            let startedAt = runtime.now
            let keyring = try runtime.keyring(extraDecryptionVariables: oldKeyEnv.map { [$0] } ?? [])
            let lock = try await runtime.lock(command: "calsync keys rotate", timeout: try lockOptions.timeout())
            defer { lock.release() }
            guard FileManager.default.fileExists(atPath: runtime.configuration.statePath) else {
                runtime.console.error(
                    "error: no state database at \"\(runtime.configuration.statePath)\"; there are no tokens to re-seal. Name it with --state.")
                throw ExitCode(1)
            }
            let store = try runtime.openReadWrite()
            let result: ResealResult
            do {
                result = try store.resealAll(with: { try keyring.resealed($0) })
            } catch let failure as ResealFailure {
                runtime.console.error(
                    "error: cannot re-seal the credential of \(failure.ref): \(failure.underlying) Nothing was changed.")
                throw ExitCode(1)
            } catch let error as StateError {
                runtime.console.error("error: \(error.message)")
                throw ExitCode(1)
            }
            if result.resealed > 0 {
                try? store.recordRun(
                    RunRecord(
                        id: UUID().uuidString.lowercased(), command: "calsync keys rotate", startedAt: startedAt,
                        finishedAt: runtime.now, exitCode: 0,
                        summary: "\(result.resealed) re-sealed, \(result.unchanged) already current"))
            }
            runtime.console.output(
                "Re-sealed \(Self.count(result.resealed)) under key \(keyring.current.id); \(result.unchanged) already current.")
        }

        private static func count(_ n: Int) -> String { n == 1 ? "1 credential" : "\(n) credentials" }
    }
}
