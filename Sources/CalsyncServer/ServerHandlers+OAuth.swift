import CalsyncModel
import Foundation

/// The web OAuth flow (SPEC sections 7 and 9): `GET /oauth/start/{tenant}/{provider}` and
/// `GET /oauth/callback`. The server decides who may start and signs and checks `state`; the
/// `WebAuthorization` seam builds the vendor URL, exchanges the code and stores the token.
extension ServerHandlers {
    /// Authorized by the tenant's bearer `apiToken` or a signed `/oauth/start` link; answers 302 to the
    /// vendor's authorization URL with a signed `state`.
    func oauthStart(_ request: ServerRequest, tenant: String, provider: String) async throws -> ServerResponse {
        let key = try signingKey()
        guard let ref = ProviderRef("\(tenant)/\(provider)") else {
            throw APIError.notFound("\"\(tenant)/\(provider)\" is not a provider name. Check the link.")
        }
        if let expires = request.query("expires"), let signature = request.query("signature") {
            do throws(OAuthState.Refusal) {
                try SignedStartLink.verify(ref: ref, expires: expires, signature: signature, key: key, now: now())
            } catch {
                logger.warning("refused an /oauth/start link", metadata: ["provider": "\(ref)", "reason": "\(error)"])
                switch error {
                case .malformed: throw APIError.badRequest("the link is malformed. Ask for a new one with `calsync authorize \(ref) --web URL`.")
                case .forged: throw APIError.forbidden("the link's signature is not valid. Ask for a new one with `calsync authorize \(ref) --web URL`.")
                case .expired: throw APIError.forbidden("the link has expired. Ask for a new one with `calsync authorize \(ref) --web URL`.")
                }
            }
        } else {
            _ = try authenticate(request, tenant: tenant)
        }
        guard (try? store.providerState(ref)) != nil else {
            throw APIError.notFound("the state records no provider \(ref). Apply its manifest first.")
        }
        guard let authorization = seams.authorization else { throw webFlowUnavailable() }
        let state = OAuthState.issue(for: ref, now: now(), lifetime: configuration.oauthStateLifetime, random: random)
        let url: URL
        do {
            url = try await authorization.start(ref, state: state.signed(with: key))
        } catch let error as WebAuthorizationError {
            throw APIError(status: error.status, code: error.status == 400 ? "BadRequest" : "BadGateway", message: error.message)
        } catch {
            logger.error("web authorization could not start", metadata: ["provider": "\(ref)", "error": "\(error)"])
            throw APIError(status: 502, code: "BadGateway", message: "the authorization could not start; the server log says why.")
        }
        logger.info("web authorization started", metadata: ["provider": "\(ref)"])
        return .empty(302, headers: [("Location", url.absoluteString), ("Cache-Control", "no-store")])
    }

    /// The vendor's redirect: checks the signed `state`, then completes the authorization through the seam.
    func oauthCallback(_ request: ServerRequest) async throws -> ServerResponse {
        let key = try signingKey()
        guard let text = request.query("state"), !text.isEmpty else {
            throw APIError.badRequest("the callback has no state. Start the authorization again from /oauth/start.")
        }
        let state: OAuthState
        do throws(OAuthState.Refusal) {
            state = try OAuthState.verify(text, key: key, now: now())
        } catch {
            logger.warning("refused an OAuth callback", metadata: ["reason": "\(error)"])
            switch error {
            case .malformed: throw APIError.badRequest("the state is malformed. Start the authorization again from /oauth/start.")
            case .forged: throw APIError.forbidden("the state was not issued by this server. Start the authorization again from /oauth/start.")
            case .expired: throw APIError.badRequest("the state has expired. Start the authorization again from /oauth/start.")
            }
        }
        if let refusal = request.query("error") {
            throw APIError.badRequest("the vendor refused the authorization of \(state.ref) (\(refusal)). Start again and grant access.")
        }
        guard let code = request.query("code"), !code.isEmpty else {
            throw APIError.badRequest("the callback has no code. Start the authorization again from /oauth/start.")
        }
        guard let authorization = seams.authorization else { throw webFlowUnavailable() }
        do {
            try await authorization.complete(state.ref, code: code, state: text)
        } catch let error as WebAuthorizationError {
            throw APIError(status: error.status, code: error.status == 400 ? "BadRequest" : "BadGateway", message: error.message)
        } catch {
            logger.error("web authorization could not complete", metadata: ["provider": "\(state.ref)", "error": "\(error)"])
            throw APIError(status: 502, code: "BadGateway", message: "the authorization could not complete; the server log says why.")
        }
        logger.info("web authorization completed", metadata: ["provider": "\(state.ref)"])
        return .text(200, "Authorized \(state.ref): its OAuth badge is now OAuth Complete. You can close this window.\n")
    }

    private func signingKey() throws -> Secret {
        guard let key = configuration.stateSigningKey else {
            throw APIError.unavailable(
                "the web OAuth flow is off: the server has no state signing secret. Set CALSYNC_STATE_SECRET (or NEXTAUTH_SECRET) and restart serve, or use `calsync authorize`.",
                code: "OAuthDisabled")
        }
        return key
    }

    private func webFlowUnavailable() -> APIError {
        APIError.unavailable(
            "this server cannot complete OAuth authorizations on the web yet. Use `calsync authorize TENANT/PROVIDER` instead.",
            code: "AuthorizationUnavailable")
    }
}
