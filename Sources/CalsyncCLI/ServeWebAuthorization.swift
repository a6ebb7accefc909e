import CalsyncExecutor
import CalsyncModel
import CalsyncProviders
import CalsyncSecrets
import CalsyncServer
import CalsyncState
import Foundation

/// `serve`'s web OAuth flow: the same pending authorizations, PKCE and sealed tokens as
/// `calsync authorize`, on the tenant app's `webRedirectUri`, keyed by the signed `state` the server issues.
struct ServeWebAuthorization: WebAuthorization {
    let runtime: Runtime
    let store: SQLiteStateStore
    let keyring: Keyring
    let access: VendorAccess

    func start(_ ref: ProviderRef, state: String) async throws -> URL {
        let (client, vendor) = try oauthClient(ref)
        guard let redirectURI = client.app.webRedirectUri else {
            throw WebAuthorizationError(
                status: 400,
                message: "the \(vendor.rawValue) app of tenant \"\(ref.tenant)\" has no webRedirectUri. Set spec.oauthApps.\(vendor.rawValue).webRedirectUri to this server's /oauth/callback URL (and register it with the vendor), then reconcile.")
        }
        let pkce = PKCE.generate(using: access.random)
        let now = runtime.now
        try store.recordPendingAuthorization(
            PendingAuthorization(
                state: state, ref: ref, verifier: try keyring.seal(pkce.verifier), redirectURI: redirectURI,
                expiresAt: now.addingTimeInterval(AuthorizationFlow.pendingLifetime)),
            now: now)
        return client.authorizationURL(state: state, codeChallenge: pkce.challenge, redirectURI: redirectURI)
    }

    func complete(_ ref: ProviderRef, code: String, state: String) async throws {
        guard let pending = try store.takePendingAuthorization(state: state) else {
            throw WebAuthorizationError(
                status: 400, message: "this authorization was already completed, or never started here. Start again from /oauth/start.")
        }
        guard pending.ref == ref else {
            throw WebAuthorizationError(status: 400, message: "Forbidden: the state belongs to another provider. Nothing was stored.")
        }
        guard pending.expiresAt > runtime.now else {
            throw WebAuthorizationError(status: 400, message: "the authorization of \(ref) has expired. Start again from /oauth/start.")
        }
        let (client, vendor) = try oauthClient(ref)
        let tokens: TokenSet
        do {
            tokens = try await client.exchange(code: code, verifier: try keyring.open(pending.verifier), redirectURI: pending.redirectURI)
        } catch {
            throw WebAuthorizationError(
                status: 502, message: "\(vendor.rawValue) did not exchange the authorization code of \(ref): \(VendorFailure.describe(error)) Start again.")
        }
        guard let refreshToken = tokens.refreshToken else {
            throw WebAuthorizationError(
                status: 502,
                message: "\(vendor.rawValue) returned no refresh token for \(ref). Remove calsync's access in the account's security settings and start again.")
        }
        let now = runtime.now
        try store.storeCredential(ref, try keyring.seal(refreshToken), at: now)
        try store.cacheAccessToken(ref, CachedAccessToken(sealed: try keyring.seal(tokens.accessToken), expiresAt: tokens.expiresAt))
        let snapshot = try store.snapshot()
        if let state = snapshot.providers.first(where: { $0.ref == ref }) {
            let previous = try store.cards()[ref]
            let card = ProviderCards.card(
                for: state, pending: (previous?.pendingActions ?? []).filter { $0 != .authorize }, previous: previous, now: now)
            try store.apply(.recordProvider(state, card: card))
        }
    }

    private func oauthClient(_ ref: ProviderRef) throws -> (OAuthClient, Vendor) {
        guard let tenant = try store.declaredTenant(ref.tenant), let state = try store.providerState(ref) else {
            throw WebAuthorizationError(status: 400, message: "the state records no provider \(ref). Apply its manifest first.")
        }
        do {
            return (try access.oauthClient(tenant: tenant, vendor: state.applied.vendor), state.applied.vendor)
        } catch let error as VendorAccessError {
            throw WebAuthorizationError(status: 400, message: error.message)
        }
    }
}
