import Foundation

/// The outcome of checking a bearer token.
enum BearerCheck: Sendable {
    case valid(Account)
    case missing
    case expired
    case unknown
}

extension Emulator {
    /// Creates a grant with an access token and, when asked, a refresh token.
    func issueTokens(
        vendor: Vendor, clientID: String, accountID: String, scopes: [String], withRefreshToken: Bool
    ) -> (grant: Grant, accessToken: String, refreshToken: String?) {
        let grant = Grant(
            id: random.uuid(), vendor: vendor, clientID: clientID, accountID: accountID, scopes: scopes,
            revocation: nil)
        oauth.grants[grant.id] = grant
        let accessToken = newAccessToken(for: grant)
        var refreshToken: String?
        if withRefreshToken {
            refreshToken = newRefreshToken(for: grant)
        }
        return (grant, accessToken, refreshToken)
    }

    /// A new access token on `grant`, valid for the configured lifetime.
    func newAccessToken(for grant: Grant) -> String {
        let token = randomToken(grant.vendor == .google ? "ya29.a0" : "eyJ0eXAiOiJKV1QiLCJub25jZSI6", length: 60)
        oauth.accessTokens[token] = AccessTokenRecord(
            grantID: grant.id, expiresAt: clock.now.addingTimeInterval(TimeInterval(configuration.accessTokenLifetime)))
        return token
    }

    /// A new refresh token on `grant`.
    func newRefreshToken(for grant: Grant) -> String {
        let token = randomToken(grant.vendor == .google ? "1//0g" : "0.AX", length: 60)
        oauth.refreshTokens[token] = grant.id
        return token
    }

    /// Marks every grant matching the filters as revoked; returns how many.
    func revokeGrants(vendor: Vendor?, accountID: String?, clientID: String?, reason: GrantRevocation) -> Int {
        var count = 0
        for (id, grant) in oauth.grants where grant.revocation == nil {
            if let vendor, grant.vendor != vendor { continue }
            if let accountID, grant.accountID != accountID { continue }
            if let clientID, grant.clientID != clientID { continue }
            oauth.grants[id]?.revocation = reason
            count += 1
        }
        return count
    }

    /// Checks the request's `Authorization: Bearer` token for `vendor`.
    ///
    /// Google access tokens stop working as soon as their grant is revoked; Microsoft access
    /// tokens are self-contained and keep working until they expire.
    func checkBearer(_ request: EmulatorRequest, vendor: Vendor) -> BearerCheck {
        guard let header = request.header("authorization"), header.lowercased().hasPrefix("bearer ") else {
            return .missing
        }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        guard !token.isEmpty else { return .missing }
        guard let record = oauth.accessTokens[token], let grant = oauth.grants[record.grantID], grant.vendor == vendor,
            let account = directory.accounts[grant.accountID]
        else { return .unknown }
        if record.expiresAt <= clock.now { return .expired }
        if grant.revocation != nil && vendor == .google { return .unknown }
        return .valid(account)
    }

    /// The grant behind the request's bearer token.
    func bearerGrant(_ request: EmulatorRequest) -> Grant? {
        guard let header = request.header("authorization"), header.lowercased().hasPrefix("bearer ") else { return nil }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        return oauth.accessTokens[token].flatMap { oauth.grants[$0.grantID] }
    }

    /// Builds the redirect URL `base` plus `items` as query (kept after any existing query).
    func redirectURL(_ base: String, _ items: [(String, String)]) -> String {
        let separator = base.contains("?") ? "&" : "?"
        return base + separator + QueryString.make(items)
    }

    /// Checks a PKCE verifier against the code's challenge; `true` when the code has none.
    func verifiesPKCE(_ code: AuthorizationCode, verifier: String?) -> Bool {
        guard let challenge = code.challenge else { return true }
        guard let verifier else { return false }
        return PKCE.verify(verifier: verifier, challenge: challenge, method: code.challengeMethod)
    }
}
