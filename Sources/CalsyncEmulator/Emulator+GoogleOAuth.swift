import Foundation

extension Emulator {
    private func googleTokenError(_ status: Int, _ error: String, _ description: String) -> OAuthError {
        OAuthError(status: status, body: ["error": .string(error), "error_description": .string(description)])
    }

    /// `GET /o/oauth2/v2/auth`: consents (or refuses) at once for the seeded account.
    func googleAuthorize(_ request: EmulatorRequest) throws -> EmulatorResponse {
        guard let clientID = request.queryValue("client_id"), let app = directory.apps[clientID], app.vendor == .google
        else { throw googleTokenError(401, "invalid_client", "The OAuth client was not found.") }
        guard let redirectURI = request.queryValue("redirect_uri"), app.accepts(redirectURI: redirectURI) else {
            throw googleTokenError(400, "redirect_uri_mismatch", "The redirect URI in the request did not match a registered redirect URI.")
        }
        let state = request.queryValue("state")
        func fail(_ error: String) -> EmulatorResponse {
            .redirect(to: redirectURL(redirectURI, [("error", error)] + (state.map { [("state", $0)] } ?? [])))
        }
        guard request.queryValue("response_type") == "code" else { return fail("unsupported_response_type") }
        let challenge = request.queryValue("code_challenge")
        let method = request.queryValue("code_challenge_method") ?? "plain"
        guard challenge == nil || ["S256", "plain"].contains(method) else { return fail("invalid_request") }
        guard let account = directory.signInAccount(vendor: .google, hint: request.queryValue("login_hint")) else {
            return fail("access_denied")
        }
        if account.consent == .deny { return fail("access_denied") }
        let scopes = (request.queryValue("scope") ?? "").split(separator: " ").map(String.init)
        let code = "4/0A" + random.string(length: 60, alphabet: Alphabet.token)
        oauth.codes[code] = AuthorizationCode(
            code: code, vendor: .google, clientID: clientID, redirectURI: redirectURI, accountID: account.id,
            scopes: scopes, challenge: challenge, challengeMethod: method, issuedAt: clock.now,
            issuesRefreshToken: request.queryValue("access_type") == "offline")
        var items = [("code", code), ("scope", scopes.joined(separator: " "))]
        if let state { items.insert(("state", state), at: 0) }
        return .redirect(to: redirectURL(redirectURI, items))
    }

    /// `POST /token`: authorization_code and refresh_token grants.
    func googleToken(_ request: EmulatorRequest) throws -> EmulatorResponse {
        let form = request.formBody
        let (clientID, secret) = clientCredentials(form: form, request: request)
        guard let clientID, let app = directory.apps[clientID], app.vendor == .google else {
            throw googleTokenError(401, "invalid_client", "The OAuth client was not found.")
        }
        if let expected = app.clientSecret, secret != expected {
            throw googleTokenError(401, "invalid_client", "Unauthorized")
        }
        switch form["grant_type"] {
        case "authorization_code":
            guard let codeText = form["code"], let code = oauth.codes[codeText], code.vendor == .google else {
                throw googleTokenError(400, "invalid_grant", "Malformed auth code.")
            }
            guard !code.isRedeemed, clock.now.timeIntervalSince(code.issuedAt) < OAuthLifetimes.code,
                code.clientID == clientID
            else { throw googleTokenError(400, "invalid_grant", "Bad Request") }
            guard form["redirect_uri"] == code.redirectURI else {
                throw googleTokenError(400, "redirect_uri_mismatch", "Bad Request")
            }
            guard verifiesPKCE(code, verifier: form["code_verifier"]) else {
                throw googleTokenError(
                    400, "invalid_grant", form["code_verifier"] == nil ? "Missing code verifier." : "Invalid code verifier.")
            }
            oauth.codes[codeText]?.isRedeemed = true
            let issued = issueTokens(
                vendor: .google, clientID: clientID, accountID: code.accountID, scopes: code.scopes,
                withRefreshToken: code.issuesRefreshToken)
            var body: [String: JSONValue] = [
                "access_token": .string(issued.accessToken),
                "expires_in": .int(configuration.accessTokenLifetime),
                "scope": .string(code.scopes.joined(separator: " ")),
                "token_type": "Bearer",
            ]
            if let refresh = issued.refreshToken { body["refresh_token"] = .string(refresh) }
            return .json(200, .object(body), headers: [("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate")])
        case "refresh_token":
            guard let token = form["refresh_token"], let grantID = oauth.refreshTokens[token],
                let grant = oauth.grants[grantID], grant.vendor == .google
            else { throw googleTokenError(400, "invalid_grant", "Bad Request") }
            guard grant.revocation == nil else {
                throw googleTokenError(400, "invalid_grant", "Token has been expired or revoked.")
            }
            guard grant.clientID == clientID else { throw googleTokenError(400, "unauthorized_client", "Unauthorized") }
            let body: JSONValue = [
                "access_token": .string(newAccessToken(for: grant)),
                "expires_in": .int(configuration.accessTokenLifetime),
                "scope": .string(grant.scopes.joined(separator: " ")),
                "token_type": "Bearer",
            ]
            return .json(200, body, headers: [("Cache-Control", "no-cache, no-store, max-age=0, must-revalidate")])
        case let other:
            throw googleTokenError(400, "unsupported_grant_type", "Invalid grant_type: \(other ?? "")")
        }
    }

    /// `POST /revoke?token=`: revokes the grant behind an access or refresh token.
    func googleRevoke(_ request: EmulatorRequest) throws -> EmulatorResponse {
        guard let token = request.queryValue("token") ?? request.formBody["token"] else {
            throw googleTokenError(400, "invalid_request", "Missing required parameter: token")
        }
        let grantID = oauth.refreshTokens[token] ?? oauth.accessTokens[token]?.grantID
        guard let grantID, let grant = oauth.grants[grantID], grant.revocation == nil else {
            throw googleTokenError(400, "invalid_token", "Token expired or revoked")
        }
        oauth.grants[grantID]?.revocation = .revoked
        return .empty(200)
    }

    /// Client id and secret from the form or an HTTP Basic `Authorization` header.
    func clientCredentials(form: [String: String], request: EmulatorRequest) -> (String?, String?) {
        if let header = request.header("authorization"), header.hasPrefix("Basic "),
            let data = Data(base64Encoded: String(header.dropFirst(6))),
            case let parts = String(decoding: data, as: UTF8.self).split(separator: ":", maxSplits: 1),
            parts.count == 2
        {
            let decode = { (text: Substring) in text.removingPercentEncoding ?? String(text) }
            return (decode(parts[0]), decode(parts[1]))
        }
        return (form["client_id"], form["client_secret"])
    }
}
