import ArgumentParser
import CalsyncManifest
import Foundation

/// The global settings every command may take: the configuration file and the state and status locations.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Configuration file (default: calsync.yaml when present).", valueName: "file"))
    var config: String?

    @Option(name: .long, help: ArgumentHelp("State database (default: .calsync/state.db).", valueName: "file"))
    var state: String?

    @Option(name: .customLong("status-dir"), help: ArgumentHelp("Directory of status files (default: status/).", valueName: "dir"))
    var statusDir: String?

    @Option(name: .customLong("webhook-base-url"), help: ArgumentHelp("Public base URL for webhooks.", valueName: "url"))
    var webhookBaseURL: String?

    /// The configuration file to read: `--config`, then `CALSYNC_CONFIG`, then `calsync.yaml` when it exists.
    func configFile(environment: [String: String]) -> (path: String, explicit: Bool)? {
        if let config { return (config, true) }
        if let named = environment["CALSYNC_CONFIG"], !named.isEmpty { return (named, true) }
        return FileManager.default.fileExists(atPath: "calsync.yaml") ? ("calsync.yaml", false) : nil
    }

    /// Resolves the configuration, printing what is wrong and exiting 1 when it cannot be.
    func resolve(tenant: String? = nil, environment: [String: String], console: Console) throws -> Configuration {
        var file: ConfigFile?
        var fileName: String?
        if let (path, explicit) = configFile(environment: environment) {
            if !explicit || FileManager.default.fileExists(atPath: path) {
                let loaded = ManifestLoader.loadConfig(file: path)
                guard loaded.diagnostics.isEmpty else {
                    DiagnosticsView(console: console).render(loaded.diagnostics)
                    throw ExitCode(1)
                }
                file = loaded.config
                fileName = path
            } else {
                console.error("error: configuration file \"\(path)\" does not exist (named by --config or CALSYNC_CONFIG). Correct the path.")
                throw ExitCode(1)
            }
        }
        do {
            return try Configuration.resolve(
                flags: .init(state: state, statusDir: statusDir, webhookBaseURL: webhookBaseURL, tenant: tenant),
                environment: environment, file: file, fileName: fileName)
        } catch {
            console.error("error: \(error)")
            throw ExitCode(1)
        }
    }
}
