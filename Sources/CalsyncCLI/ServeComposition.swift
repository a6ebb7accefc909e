import ArgumentParser
import CalsyncModel
import CalsyncSecrets
import CalsyncServer
import CalsyncState
import CalsyncStatus
import Foundation
import Logging

/// Wires `serve`'s seams to the rest of calsync: the reconcile pass is `calsync reconcile`'s own
/// code; provider cards are `calsync status`'s. Seams whose engines are not in this build leave the
/// provider due and ask the reconcile timer for a pass, which plans what is due:
///
/// - `sync`: the sync engine (`calsync sync`) plugs in here, taking the run lock per sync;
/// - `renewSubscription`, `replaceSubscription`, `renewWebhooks`: the executor's webhook support.
///
/// The web OAuth seam is `calsync authorize`'s flow on the app's `webRedirectUri`.
final class ServeComposition: Sendable {
    let runtime: Runtime
    let store: SQLiteStateStore
    let paths: [String]
    let maxProviderDeletes: Int?
    let logger: Logger
    /// The web OAuth flow; nil without a keyring (tokens could not be sealed).
    let authorization: ServeWebAuthorization?
    private let server = ServerReference()

    init(runtime: Runtime, store: SQLiteStateStore, keyring: Keyring?, paths: [String], maxProviderDeletes: Int?, logger: Logger) {
        self.runtime = runtime
        self.store = store
        self.paths = paths
        self.maxProviderDeletes = maxProviderDeletes
        self.logger = logger
        authorization = keyring.map {
            ServeWebAuthorization(
                runtime: runtime, store: store, keyring: $0,
                access: VendorAccess(configuration: runtime.configuration, environment: runtime.environment))
        }
    }

    /// Lets the seams ask `server` for reconcile passes.
    func attach(_ server: Server) { self.server.set(server) }

    var seams: ServerSeams {
        ServerSeams(
            sync: { request in await self.sync(request) },
            renewSubscription: { record in
                // Past its expiry in the state, the subscription is replaced by the next pass's register_webhook.
                self.logger.notice(
                    "subscription reauthorization requested; the next reconcile pass replaces it",
                    metadata: ["provider": "\(record.ref)", "subscription": "\(record.id)"])
                var expired = record
                expired.expiresAt = self.runtime.now
                try? self.store.recordWebhook(expired)
                self.server.get()?.requestReconcile()
            },
            replaceSubscription: { record in
                self.logger.notice(
                    "subscription removed by the vendor; the next reconcile pass registers a new one",
                    metadata: ["provider": "\(record.ref)", "subscription": "\(record.id)"])
                try? self.store.removeWebhook(id: record.id)
                self.server.get()?.requestReconcile()
            },
            renewWebhooks: { try self.maintainWebhooks() },
            reconcile: { await self.reconcilePass() },
            providerCards: { tenant in
                try self.runtime.statusCards(store: self.store, plan: nil).filter { $0.ref.tenant == tenant }
            },
            authorization: authorization)
    }

    /// Channels and subscriptions expiring within the renewal window make the timer run a pass now,
    /// whose plan renews them (`renew_webhook`); returns how many were found.
    private func maintainWebhooks() throws -> Int {
        let horizon = runtime.now.addingTimeInterval(TimeInterval(runtime.configuration.webhookRenewBefore.seconds))
        let expiring = try store.allWebhooks().filter { $0.expiresAt <= horizon }
        if !expiring.isEmpty {
            logger.info("webhooks expire within the renewal window; asking for a reconcile pass", metadata: ["count": "\(expiring.count)"])
            server.get()?.requestReconcile()
        }
        return 0
    }

    /// A notification's sync: `calsync sync REF` under the run lock; a held lock is `busy` (asked
    /// again after the debounce), any other failure leaves the provider due for the reconcile pass.
    private func sync(_ request: SyncRequest) async -> SyncResult {
        do {
            let report = try await runtime.syncProvider(
                request.ref, full: request.isFull, lockCommand: "calsync serve (sync \(request.ref))", timeout: nil,
                startedAt: runtime.now)
            logger.info("synced", metadata: ["provider": "\(request.ref)", "counts": "\(report.countsLine)"])
            return .succeeded
        } catch let exit as ExitCode where exit.rawValue == 4 {
            return .busy
        } catch {
            logger.warning("sync did not finish; the provider stays due", metadata: ["provider": "\(request.ref)"])
            return .pending
        }
    }

    /// One pass of `calsync reconcile PATHS`, holding the run lock as `calsync serve`.
    private func reconcilePass() async -> ReconcilePassResult {
        var arguments = paths
        if let maxProviderDeletes { arguments += ["--max-provider-deletes", "\(maxProviderDeletes)"] }
        do {
            let command = try ReconcileCommand.parse(arguments)
            let code = try await command.reconcileOnce(runtime: runtime, timeout: nil, lockCommand: "calsync serve (reconcile pass)")
            return .completed(exitCode: code)
        } catch let exit as ExitCode where exit.rawValue == 4 {
            return .skipped(reason: "another run holds the state lock")
        } catch let exit as ExitCode {
            return .failed(reason: "the pass ended with exit code \(exit.rawValue); its messages are above")
        } catch {
            return .failed(reason: "\(error)")
        }
    }
}

/// The running server, once started, for seams built before it.
private final class ServerReference: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var server: Server?

    func set(_ server: Server) { lock.withLock { self.server = server } }
    func get() -> Server? { lock.withLock { server } }
}
