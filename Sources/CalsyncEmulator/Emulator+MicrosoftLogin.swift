import Foundation

/// AADSTS error codes the emulator answers with.
enum AADSTS: Int, Sendable {
    case applicationNotFound = 700016
    case redirectMismatch = 50011
    case codeRedeemed = 54005
    case expiredOrRevokedGrant = 70008
    case freshTokenNeeded = 50173
    case invalidCode = 70000
    case verifierMismatch = 501481
    case invalidSecret = 7000215
    case missingSecret = 7000218
    case publicClientSecret = 700025
    case unsupportedGrantType = 70003
    case malformedRequest = 9002313

    /// The documented error text.
    var message: String {
        switch self {
        case .applicationNotFound: return "Application with the given identifier was not found in the directory."
        case .redirectMismatch:
            return "The redirect URI specified in the request does not match the redirect URIs configured for the application."
        case .codeRedeemed: return "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token."
        case .expiredOrRevokedGrant: return "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource."
        case .freshTokenNeeded: return "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password."
        case .invalidCode: return "The provided value for the 'code' parameter is not valid."
        case .verifierMismatch: return "The Code_Verifier does not match the code_challenge supplied in the authorization request."
        case .invalidSecret: return "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID."
        case .missingSecret: return "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."
        case .publicClientSecret: return "Client is public so neither 'client_assertion' nor 'client_secret' should be presented."
        case .unsupportedGrantType: return "The provided request must include a 'grant_type' input parameter with a supported value."
        case .malformedRequest: return "Invalid request. Request is malformed or invalid."
        }
    }
}

extension Emulator {
    /// A Microsoft identity platform error body with trace and correlation ids.
    func aadError(_ status: Int, _ error: String, _ code: AADSTS) -> OAuthError {
        let trace = random.uuid()
        let correlation = random.uuid()
        let timestamp = DateFormats.rfc3339Seconds(clock.now).replacingOccurrences(of: "T", with: " ")
        let description =
            "AADSTS\(code.rawValue): \(code.message)\r\nTrace ID: \(trace)\r\nCorrelation ID: \(correlation)\r\nTimestamp: \(timestamp)"
        return OAuthError(
            status: status,
            body: [
                "error": .string(error), "error_description": .string(description),
                "error_codes": [.int(code.rawValue)], "timestamp": .string(timestamp), "trace_id": .string(trace),
                "correlation_id": .string(correlation),
                "error_uri": .string("https://login.microsoftonline.com/error?code=\(code.rawValue)"),
            ])
    }

    /// `GET /{tenant}/oauth2/v2.0/authorize`: consents (or refuses) at once for the seeded account.
    func microsoftAuthorize(_ request: EmulatorRequest, tenant: String) throws -> EmulatorResponse {
        guard let clientID = request.queryValue("client_id"), let app = directory.apps[clientID],
            app.vendor == .microsoft
        else { throw aadError(400, "unauthorized_client", .applicationNotFound) }
        guard let redirectURI = request.queryValue("redirect_uri"), app.accepts(redirectURI: redirectURI) else {
            throw aadError(400, "invalid_request", .redirectMismatch)
        }
        let state = request.queryValue("state")
        func fail(_ error: String, _ description: String) -> EmulatorResponse {
            .redirect(
                to: redirectURL(
                    redirectURI,
                    [("error", error), ("error_description", description)] + (state.map { [("state", $0)] } ?? [])))
        }
        guard request.queryValue("response_type") == "code" else {
            return fail("unsupported_response_type", "AADSTS70005: response_type 'token' is not enabled for the application.")
        }
        let challenge = request.queryValue("code_challenge")
        let method = request.queryValue("code_challenge_method") ?? "plain"
        guard challenge == nil || ["S256", "plain"].contains(method) else {
            return fail("invalid_request", "AADSTS501491: Invalid size of Code_Challenge parameter.")
        }
        guard let account = directory.signInAccount(vendor: .microsoft, hint: request.queryValue("login_hint")),
            account.consent == .grant
        else {
            return fail("access_denied", "AADSTS65004: User declined to consent to access the app.")
        }
        let scopes = (request.queryValue("scope") ?? "").split(separator: " ").map(String.init)
        let code = "1.AX" + random.string(length: 80, alphabet: Alphabet.token)
        oauth.codes[code] = AuthorizationCode(
            code: code, vendor: .microsoft, clientID: clientID, redirectURI: redirectURI, accountID: account.id,
            scopes: scopes, challenge: challenge, challengeMethod: method, issuedAt: clock.now,
            issuesRefreshToken: scopes.contains("offline_access"))
        var items = [("code", code)]
        if let state { items.append(("state", state)) }
        items.append(("session_state", random.uuid()))
        return .redirect(to: redirectURL(redirectURI, items))
    }

    /// `POST /{tenant}/oauth2/v2.0/token`: authorization_code and refresh_token grants; refresh rotates.
    func microsoftToken(_ request: EmulatorRequest, tenant: String) throws -> EmulatorResponse {
        let form = request.formBody
        let (clientID, secret) = clientCredentials(form: form, request: request)
        guard let clientID, let app = directory.apps[clientID], app.vendor == .microsoft else {
            throw aadError(400, "unauthorized_client", .applicationNotFound)
        }
        switch (app.clientSecret, secret) {
        case (nil, .some): throw aadError(400, "invalid_request", .publicClientSecret)
        case (.some, nil): throw aadError(401, "invalid_client", .missingSecret)
        case (.some(let expected), .some(let given)) where expected != given:
            throw aadError(401, "invalid_client", .invalidSecret)
        default: break
        }
        let grant: Grant
        let refreshToken: String?
        switch form["grant_type"] {
        case "authorization_code":
            guard let codeText = form["code"], let code = oauth.codes[codeText], code.vendor == .microsoft,
                code.clientID == clientID
            else { throw aadError(400, "invalid_grant", .invalidCode) }
            guard !code.isRedeemed else { throw aadError(400, "invalid_grant", .codeRedeemed) }
            guard clock.now.timeIntervalSince(code.issuedAt) < OAuthLifetimes.code else {
                throw aadError(400, "invalid_grant", .expiredOrRevokedGrant)
            }
            guard form["redirect_uri"] == code.redirectURI else { throw aadError(400, "invalid_grant", .redirectMismatch) }
            guard verifiesPKCE(code, verifier: form["code_verifier"]) else {
                throw aadError(400, "invalid_grant", .verifierMismatch)
            }
            oauth.codes[codeText]?.isRedeemed = true
            let issued = issueTokens(
                vendor: .microsoft, clientID: clientID, accountID: code.accountID, scopes: code.scopes,
                withRefreshToken: code.issuesRefreshToken)
            grant = issued.grant
            return microsoftTokenResponse(grant: grant, accessToken: issued.accessToken, refreshToken: issued.refreshToken)
        case "refresh_token":
            guard let token = form["refresh_token"], let grantID = oauth.refreshTokens[token],
                let existing = oauth.grants[grantID], existing.vendor == .microsoft
            else { throw aadError(400, "invalid_grant", .malformedRequest) }
            switch existing.revocation {
            case .revoked: throw aadError(400, "invalid_grant", .freshTokenNeeded)
            case .expired: throw aadError(400, "invalid_grant", .expiredOrRevokedGrant)
            case nil: break
            }
            guard existing.clientID == clientID else { throw aadError(400, "invalid_grant", .malformedRequest) }
            grant = existing
            refreshToken = newRefreshToken(for: grant)
            return microsoftTokenResponse(grant: grant, accessToken: newAccessToken(for: grant), refreshToken: refreshToken)
        default:
            throw aadError(400, "unsupported_grant_type", .unsupportedGrantType)
        }
    }

    private func microsoftTokenResponse(grant: Grant, accessToken: String, refreshToken: String?) -> EmulatorResponse {
        let identityScopes: Set<String> = ["offline_access", "openid", "profile", "email"]
        let scope = grant.scopes.filter { !identityScopes.contains($0) }
            .map { $0.hasPrefix("https://") ? $0 : "https://graph.microsoft.com/" + $0 }
            .joined(separator: " ")
        var body: [String: JSONValue] = [
            "token_type": "Bearer", "scope": .string(scope),
            "expires_in": .int(configuration.accessTokenLifetime),
            "ext_expires_in": .int(configuration.accessTokenLifetime),
            "access_token": .string(accessToken),
        ]
        if let refreshToken { body["refresh_token"] = .string(refreshToken) }
        return .json(200, .object(body), headers: [("Cache-Control", "no-store"), ("Pragma", "no-cache")])
    }
}
