import ArgumentParser
import CalsyncExecutor
import CalsyncModel
import CalsyncProviders
import CalsyncSecrets
import CalsyncState
import Foundation

/// The vendor side of one run: authorized clients and the keyring that opens and seals tokens.
struct Vendors {
    let sessions: CredentialSessions
    let keyring: Keyring
    let access: VendorAccess
    let webhookBaseURL: URL?

    /// The executor's vendor actions for this run.
    func actions(store: SQLiteStateStore, runtime: Runtime) -> LiveVendorActions {
        LiveVendorActions(
            sessions: sessions, store: store, keyring: keyring, webhookBaseURL: webhookBaseURL, random: access.random,
            now: runtime.now, sync: runtime.syncRunner(store: store))
    }

    /// One calendar check per authorized, enabled provider.
    func observe(_ snapshot: StateSnapshot, store: SQLiteStateStore, now: Date) async -> ObservedState {
        let webhooks = (try? store.allWebhooks()) ?? []
        return await VendorRefresh.observe(snapshot, sessions: sessions, webhooks: webhooks, now: now)
    }
}

extension Runtime {
    /// The vendor side of a run over `store`, or nil when no provider holds a credential (nothing to
    /// talk to the vendors about).
    ///
    /// - Parameter persists: Whether refreshed tokens are written back (never for `plan` or `drift`).
    /// - Throws: Exit 1 naming the variable when credentials exist but the key to open them is missing
    ///   or malformed.
    func vendors(store: SQLiteStateStore?, snapshot: StateSnapshot, persists: Bool) throws -> Vendors? {
        guard let store, snapshot.providers.contains(where: { $0.credential == .valid }) else { return nil }
        let keyring = try keyring()
        let access = VendorAccess(configuration: configuration, environment: environment)
        var webhookBaseURL: URL?
        if let base = configuration.webhookBaseURL {
            guard let url = URL(string: base), url.scheme != nil else {
                console.error("error: the webhook base URL \"\(base)\" is not a URL. Fix --webhook-base-url or CALSYNC_WEBHOOK_BASE_URL.")
                throw ExitCode(1)
            }
            webhookBaseURL = url
        }
        return Vendors(
            sessions: CredentialSessions(store: store, keyring: keyring, access: access, snapshot: snapshot, persists: persists),
            keyring: keyring, access: access, webhookBaseURL: webhookBaseURL)
    }
}

extension Runtime {
    /// Reads the vendors for `plan` and `drift`, writing nothing; nil when no provider holds a credential.
    func refresh(store: SQLiteStateStore?, snapshot: StateSnapshot) async throws -> ObservedState? {
        guard let store, let vendors = try vendors(store: store, snapshot: snapshot, persists: false) else { return nil }
        return await vendors.observe(snapshot, store: store, now: now)
    }
}
