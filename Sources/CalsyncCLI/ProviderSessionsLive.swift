import CalsyncExecutor
import CalsyncModel
import CalsyncProviders
import CalsyncSecrets
import CalsyncState
import Foundation

/// Authorized calendar clients built from the sealed credentials in the state, one per provider and
/// kept for the run.
///
/// Outlook allows 4 requests in flight per mailbox, and a stored credential does not say which mailbox
/// it opens: the Graph clients of one tenant share 4 slots, so no mailbox ever sees more whichever of
/// the tenant's providers share it (decision 0010).
///
/// With `persists`, refreshed access tokens are cached sealed and a rotated Microsoft refresh token
/// replaces the stored one; `plan` and `drift`, which never write, build it without.
actor CredentialSessions: ProviderSessions {
    let store: SQLiteStateStore
    let keyring: Keyring
    let access: VendorAccess
    let tenants: [TenantName: TenantSpec]
    let persists: Bool
    private var clients: [ProviderRef: any CalendarClient] = [:]
    private var graphGates: [TenantName: RequestGate] = [:]

    init(store: SQLiteStateStore, keyring: Keyring, access: VendorAccess, snapshot: StateSnapshot, persists: Bool) {
        self.store = store
        self.keyring = keyring
        self.access = access
        tenants = Dictionary(snapshot.tenants.map { ($0.name, $0.applied) }, uniquingKeysWith: { first, _ in first })
        self.persists = persists
    }

    func client(for provider: ProviderState) async throws -> any CalendarClient {
        if let client = clients[provider.ref] { return client }
        let (oauth, refreshToken) = try credentials(of: provider)
        let ref = provider.ref
        var current: TokenSet?
        if let cached = try store.cachedAccessToken(ref), let token = try? keyring.open(cached.sealed) {
            current = TokenSet(
                accessToken: token, expiresAt: cached.expiresAt, refreshToken: refreshToken, isRefreshTokenRotated: false,
                scopes: [])
        }
        let store = self.store, keyring = self.keyring, persists = self.persists, timeSource = access.timeSource
        let tokens = AccessTokens(
            client: oauth, refreshToken: refreshToken, current: current, timeSource: timeSource,
            onRefresh: { tokens in
                guard persists else { return }
                if tokens.isRefreshTokenRotated, let rotated = tokens.refreshToken {
                    try store.rotateCredential(ref, try keyring.seal(rotated), at: timeSource.now)
                }
                try store.cacheAccessToken(
                    ref, CachedAccessToken(sealed: try keyring.seal(tokens.accessToken), expiresAt: tokens.expiresAt))
            })
        let client = CalendarClients.make(
            vendor: provider.applied.vendor, googleAPIBaseURL: try url(access.endpoints.googleAPI),
            graphBaseURL: try url(access.endpoints.graph), tokens: tokens, transport: access.transport,
            clock: ContinuousClock(), timeSource: timeSource, graphGate: graphGate(ref.tenant))
        clients[ref] = client
        return client
    }

    /// The request slots the tenant's Graph clients share.
    private func graphGate(_ tenant: TenantName) -> RequestGate {
        if let gate = graphGates[tenant] { return gate }
        let gate = RequestGate(limit: GraphCalendarClient.defaultMaxConcurrentRequests)
        graphGates[tenant] = gate
        return gate
    }

    func revokeGrant(of provider: ProviderState) async throws {
        guard provider.applied.vendor == .google else { return }
        let (oauth, refreshToken) = try credentials(of: provider)
        try await oauth.revoke(refreshToken)
    }

    private func credentials(of provider: ProviderState) throws -> (OAuthClient, Secret) {
        let ref = provider.ref
        guard let tenant = tenants[ref.tenant] else {
            throw VendorAccessFailure("the state records no tenant \"\(ref.tenant)\" for \(ref). Run `calsync reconcile`.")
        }
        guard let sealed = try store.credential(ref) else {
            throw VendorAccessFailure("\(ref) holds no OAuth credential. Run `calsync authorize \(ref)`.")
        }
        let refreshToken: Secret
        do {
            refreshToken = try keyring.open(sealed)
        } catch {
            throw VendorAccessFailure("cannot open the credential of \(ref): \(error.message)")
        }
        do {
            return (try access.oauthClient(tenant: tenant, vendor: provider.applied.vendor), refreshToken)
        } catch let error as VendorAccessError {
            throw VendorAccessFailure(error.message)
        }
    }

    private func url(_ text: String) throws -> URL {
        guard let url = URL(string: text) else {
            throw VendorAccessFailure("the endpoint \"\(text)\" is not a URL. Fix the endpoints setting.")
        }
        return url
    }
}

/// What a refresh reads from the vendors: one calendar check per authorized, enabled provider.
enum VendorRefresh {
    /// Checks are made this many at a time.
    static let concurrency = 8

    /// Observes every provider that can be checked; a provider that cannot is left unobserved.
    static func observe(
        _ snapshot: StateSnapshot, sessions: any ProviderSessions, webhooks: [WebhookRecord], now: Date
    ) async -> ObservedState {
        let checked = snapshot.providers.filter { $0.applied.enabled && $0.isActive && $0.credential == .valid }
        let live = Set(webhooks.map(\.id))
        var observed = ObservedState()
        await withTaskGroup(of: (ProviderRef, ObservedProvider).self) { group in
            var next = 0
            func addNext() {
                guard next < checked.count else { return }
                let provider = checked[next]
                next += 1
                group.addTask {
                    var result = await check(provider, sessions: sessions)
                    if let webhook = provider.webhook, !live.contains(webhook.id) || webhook.expiresAt <= now {
                        result.isWebhookMissing = true
                    }
                    return (provider.ref, result)
                }
            }
            for _ in 0..<concurrency { addNext() }
            while let (ref, result) = await group.next() {
                observed.providers[ref] = result
                addNext()
            }
        }
        return observed
    }

    private static func check(_ provider: ProviderState, sessions: any ProviderSessions) async -> ObservedProvider {
        do {
            let client = try await sessions.client(for: provider)
            let calendar = try await client.calendar(provider.applied.calendarId)
            return ObservedProvider(calendarID: calendar.id)
        } catch let error where AuthorizationFailure.isInvalidGrant(error) {
            return ObservedProvider(isCredentialRevoked: true, error: AuthorizationFailure.vendorMessage(error))
        } catch let error as VendorError where error.status == 404 {
            return ObservedProvider(isCalendarMissing: true, error: VendorErrors.text(error))
        } catch {
            return ObservedProvider(error: VendorErrors.text(error))
        }
    }
}
