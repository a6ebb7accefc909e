import ArgumentParser
import CalsyncModel
import CalsyncSecrets
import CalsyncServer
import CalsyncState
import Foundation
import Logging

/// `calsync serve --listen ADDR`: webhooks, the tenant HTTP API, the web OAuth flow, health and
/// metrics, the periodic reconcile, webhook maintenance and the stale-sync watchdog, until SIGTERM.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Serve webhooks, the tenant HTTP API and the web OAuth flow, and reconcile on a timer.",
        discussion: """
            Prints `listening on HOST:PORT` once it listens, reconciles at start and every --interval, and \
            stops gracefully on SIGTERM or SIGINT, finishing the requests, syncs and pass in flight. \
            One serve per state: a second one exits 4 naming the first. Operator commands (entries, \
            status, reconcile between passes) keep working while it runs. Logs go to standard error. \
            Routes, metrics and the OAuth flow: docs/serve.md.
            """
    )

    @Argument(help: ArgumentHelp("Manifest files or directories the reconcile passes read (default: manifests/).", valueName: "paths"))
    var paths: [String] = []

    @Option(help: ArgumentHelp("Address to listen on: HOST:PORT, [IPv6]:PORT or :PORT (every interface); port 0 picks a free one.", valueName: "addr"))
    var listen: String

    @Option(help: ArgumentHelp("Time between reconcile passes, 1s or more.", valueName: "duration"))
    var interval: String = "5m"

    @Option(help: ArgumentHelp("Notifications for one provider within this time cause one sync.", valueName: "duration"))
    var debounce: String = "2s"

    @Option(name: .customLong("max-concurrent-syncs"), help: "Syncs run at once.")
    var maxConcurrentSyncs: Int = 4

    @Option(name: .customLong("max-provider-deletes"), help: "Most provider deletes in one reconcile pass (default 5).")
    var maxProviderDeletes: Int?

    @Option(name: .customLong("log-level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    @Option(name: .customLong("maintenance-interval"), help: .hidden)
    var maintenanceInterval: String = "30m"

    @Option(name: .customLong("watchdog-interval"), help: .hidden)
    var watchdogInterval: String = "1m"

    @OptionGroup var configOptions: ConfigOptions

    func validate() throws {
        guard ListenAddress(parsing: listen) != nil else {
            throw ValidationError("--listen \"\(listen)\" is not an address. Write HOST:PORT, such as 127.0.0.1:8080 or :8080.")
        }
        for (flag, value, minimum) in [
            ("--interval", interval, Int64(1)), ("--debounce", debounce, 0), ("--maintenance-interval", maintenanceInterval, 1),
            ("--watchdog-interval", watchdogInterval, 1),
        ] {
            guard let seconds = SpecDurationArgument(value), seconds >= minimum else {
                throw ValidationError("\(flag) \"\(value)\" is not a duration of at least \(minimum)s. Write one such as 5m.")
            }
        }
        guard maxConcurrentSyncs >= 1 else { throw ValidationError("--max-concurrent-syncs must be 1 or more.") }
        if let maxProviderDeletes, maxProviderDeletes < 0 { throw ValidationError("--max-provider-deletes must be 0 or more.") }
        guard Logger.Level(rawValue: logLevel) != nil else {
            throw ValidationError("--log-level \"\(logLevel)\" is not a level. Use trace, debug, info, notice, warning, error or critical.")
        }
    }

    func run() async throws {
        let runtime = try Runtime(config: configOptions)
        let statePath = runtime.configuration.statePath
        let lease: ServeLease
        do {
            lease = try ServeLease.acquire(
                databasePath: statePath,
                holder: LockHolder(
                    id: UUID().uuidString.prefix(8).lowercased(), command: "calsync serve",
                    pid: ProcessInfo.processInfo.processIdentifier, host: ProcessInfo.processInfo.hostName, since: runtime.now))
        } catch let error as StateError {
            runtime.console.error("error: \(error.message)")
            throw ExitCode(error.isRetryable ? 4 : 1)
        }
        defer { lease.release() }
        let store = try runtime.openReadWrite()
        let keyring: Keyring? =
            (runtime.environment[Keyring.encryptionKeyVariable] ?? "").isEmpty ? nil : try runtime.keyring()
        var logger = Logger(label: "calsync.serve") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = Logger.Level(rawValue: logLevel) ?? .info

        var configuration = ServerConfiguration(listen: ListenAddress(parsing: listen) ?? ListenAddress(host: "127.0.0.1", port: 0))
        configuration.reconcileInterval = .seconds(SpecDurationArgument(interval) ?? 300)
        configuration.debounce = .seconds(SpecDurationArgument(debounce) ?? 2)
        configuration.maxConcurrentSyncs = maxConcurrentSyncs
        configuration.maintenanceInterval = .seconds(SpecDurationArgument(maintenanceInterval) ?? 1800)
        configuration.watchdogInterval = .seconds(SpecDurationArgument(watchdogInterval) ?? 60)
        configuration.stateSigningKey = ServerConfiguration.stateSigningKey(environment: runtime.environment)
        configuration.environment = runtime.environment

        let composition = ServeComposition(
            runtime: runtime, store: store, keyring: keyring, paths: paths, maxProviderDeletes: maxProviderDeletes, logger: logger)
        let server: Server
        do {
            server = try await Server.start(
                configuration: configuration, store: store, keyring: keyring, seams: composition.seams, logger: logger,
                now: { runtime.now }, shutdownSignals: [.sigterm, .sigint])
        } catch let error as ServerStartError {
            runtime.console.error("error: \(error)")
            throw ExitCode(1)
        }
        composition.attach(server)
        runtime.console.output("listening on \(server.address)")
        logger.info("serving", metadata: ["address": "\(server.address)", "state": "\(statePath)"])
        try await server.wait()
        logger.info("stopped")
    }
}
