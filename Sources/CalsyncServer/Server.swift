import CalsyncModel
import CalsyncProviders
import CalsyncSecrets
import CalsyncState
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import UnixSignals

/// `calsync serve`: the HTTP server (webhooks, the tenant API, OAuth, health and metrics) and the
/// background services (the notification worker, the reconcile timer, webhook maintenance and the
/// stale-sync watchdog) in one service group with graceful shutdown.
///
/// Shutdown order (the reverse of start): the HTTP server stops accepting and finishes its requests,
/// then the watchdog, the maintenance job and the reconcile timer finish their current run, then the
/// worker finishes the syncs in flight.
public final class Server: Sendable {
    /// The address it listens on, port included (never 0).
    public let address: String
    /// `http://ADDRESS`.
    public var baseURL: String { "http://\(address)" }
    public let metrics: ServerMetrics
    private let serviceGroup: ServiceGroup
    private let task: Task<Void, any Error>
    private let reconcileTimer: PeriodicJob

    private init(address: String, metrics: ServerMetrics, serviceGroup: ServiceGroup, task: Task<Void, any Error>, reconcileTimer: PeriodicJob) {
        self.address = address
        self.metrics = metrics
        self.serviceGroup = serviceGroup
        self.task = task
        self.reconcileTimer = reconcileTimer
    }

    /// Starts serving and returns once the server listens.
    ///
    /// - Parameters:
    ///   - configuration: Address, timers and limits.
    ///   - store: The state, opened read-write once for the process.
    ///   - keyring: Opens webhook secrets; nil answers 503 to every notification (logged at start).
    ///   - seams: Sync, webhook, reconcile, card and OAuth seams.
    ///   - logger: Where the server logs; never a secret.
    ///   - now: calsync's clock.
    ///   - random: OAuth state nonces and entry ids.
    ///   - shutdownSignals: Signals that stop the server gracefully (the CLI passes SIGTERM and SIGINT).
    /// - Throws: `ServerStartError` when the address cannot be bound.
    public static func start(
        configuration: ServerConfiguration, store: SQLiteStateStore, keyring: Keyring?, seams: ServerSeams, logger: Logger,
        now: @escaping @Sendable () -> Date,
        random: any RandomSource = GeneratorRandomSource(SystemRandomNumberGenerator()), shutdownSignals: [UnixSignal] = []
    ) async throws -> Server {
        let metrics = ServerMetrics()
        let queue = NotificationQueue(
            debounce: configuration.debounce, maxConcurrent: configuration.maxConcurrentSyncs,
            onDepthChange: { metrics.queueDepth($0) })
        let handlers = ServerHandlers(
            store: store, verifier: WebhookVerifier(store: store, keyring: keyring, now: now), queue: queue, seams: seams,
            metrics: metrics, configuration: configuration, logger: logger, now: now, random: random)
        if keyring == nil {
            logger.warning("\(Keyring.encryptionKeyVariable) is not set: webhook notifications cannot be verified and get 503")
        }
        if configuration.stateSigningKey == nil {
            logger.notice("no CALSYNC_STATE_SECRET or NEXTAUTH_SECRET: the web OAuth routes answer 503")
        }
        let worker = NotificationWorker(
            queue: queue, store: store, seams: seams, metrics: metrics, logger: logger, retryDelay: configuration.debounce)
        let reconcileTimer = PeriodicJob(name: "reconcile", interval: configuration.reconcileInterval, runsAtStart: true) {
            switch await seams.reconcile() {
            case .completed(let code):
                metrics.reconcilePass("completed")
                logger.info("reconcile pass finished", metadata: ["exitCode": "\(code)"])
            case .skipped(let reason):
                metrics.reconcilePass("skipped")
                logger.notice("reconcile pass skipped: the run lock is held", metadata: ["reason": "\(reason)"])
            case .failed(let reason):
                metrics.reconcilePass("failed")
                logger.error("reconcile pass failed", metadata: ["reason": "\(reason)"])
            }
        }
        let maintenance = PeriodicJob(name: "webhook-maintenance", interval: configuration.maintenanceInterval, runsAtStart: false) {
            do {
                let renewed = try await seams.renewWebhooks()
                metrics.renewal(kind: "maintenance", succeeded: true, count: renewed)
                logger.info("webhook maintenance finished", metadata: ["renewed": "\(renewed)"])
            } catch {
                metrics.renewal(kind: "maintenance", succeeded: false)
                logger.error("webhook maintenance failed", metadata: ["error": "\(error)"])
            }
        }
        let watchdog = StaleSyncWatchdog(store: store, metrics: metrics, logger: logger, now: now)
        let watchdogJob = PeriodicJob(name: "stale-sync-watchdog", interval: configuration.watchdogInterval, runsAtStart: true) {
            watchdog.check()
        }
        let (portStream, portContinuation) = AsyncStream.makeStream(of: String.self)
        let app = Application(
            responder: ServerResponder(handlers: handlers),
            configuration: .init(
                address: .hostname(configuration.listen.host, port: configuration.listen.port), serverName: "calsync"),
            onServerRunning: { channel in
                for job in [reconcileTimer, maintenance, watchdogJob] { job.open() }
                let host = channel.localAddress?.ipAddress ?? configuration.listen.host
                let port = channel.localAddress?.port ?? 0
                portContinuation.yield(ListenAddress(host: host, port: port).description)
                portContinuation.finish()
            },
            logger: logger)
        let serviceGroup = ServiceGroup(
            configuration: .init(
                services: ([worker, reconcileTimer, maintenance, watchdogJob, app] as [any Service]).map {
                    .init(service: $0, successTerminationBehavior: .gracefullyShutdownGroup)
                },
                gracefulShutdownSignals: shutdownSignals, logger: logger))
        let task = Task {
            defer { portContinuation.finish() }
            try await serviceGroup.run()
        }
        var bound: String?
        for await address in portStream {
            bound = address
            break
        }
        guard let bound else {
            var reason: String?
            if case .failure(let error) = await task.result { reason = "\(error)" }
            throw ServerStartError(address: configuration.listen, underlying: reason)
        }
        return Server(address: bound, metrics: metrics, serviceGroup: serviceGroup, task: task, reconcileTimer: reconcileTimer)
    }

    /// Asks for a reconcile pass now (after the current one, if one runs).
    public func requestReconcile() { reconcileTimer.nudge() }

    /// Shuts down gracefully and returns when every service has finished.
    public func stop() async throws {
        await serviceGroup.triggerGracefulShutdown()
        try await task.value
    }

    /// Waits until the server stops (a shutdown signal, or a service failing).
    public func wait() async throws {
        try await task.value
    }
}

/// The server could not listen.
public struct ServerStartError: Error, CustomStringConvertible {
    public let address: ListenAddress
    let underlying: String?

    public var description: String {
        "cannot listen on \(address)\(underlying.map { ": \($0)" } ?? ""). Choose another address or port with --listen."
    }
}
