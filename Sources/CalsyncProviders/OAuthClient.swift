import CalsyncModel
import Foundation

/// The OAuth 2.0 authorization-code client (PKCE S256) of one tenant's app at one vendor.
///
/// Google: authorize at `{authorizationBase}/o/oauth2/v2/auth`, tokens at `{tokenBase}/token`, revoke at
/// `{tokenBase}/revoke`. Microsoft: `{loginBase}/{directoryTenant}/oauth2/v2.0/authorize` and `…/token`,
/// with `common` when the app names no directory tenant. Refusals of the grant (`invalid_grant`, and
/// AADSTS 70008, 50173, 700082) throw `AuthorizationError.invalidGrant`; other error answers throw
/// `VendorError`; a lost answer throws `TransportError`.
public struct OAuthClient: Sendable {
    /// Scopes requested from Google (SPEC section 7).
    public static let googleScopes = [
        "https://www.googleapis.com/auth/calendar.events", "https://www.googleapis.com/auth/calendar.readonly",
    ]
    /// Scopes requested from Microsoft (SPEC section 7).
    public static let microsoftScopes = ["offline_access", "Calendars.ReadWrite", "User.Read"]
    /// Entra ID error numbers that mean the grant is gone, whatever the `error` field says.
    static let grantGoneAADSTSCodes: Set<Int> = [70008, 50173, 700082]

    /// The vendor.
    public let vendor: Vendor
    /// The tenant's app registration.
    public let app: OAuthApp
    private let clientSecret: Secret?
    private let authorizeEndpoint: URL
    private let tokenEndpoint: URL
    private let revokeEndpoint: URL?
    private let transport: any HTTPTransport
    private let timeSource: any TimeSource

    /// Creates a Google client.
    /// - Parameters:
    ///   - app: The tenant's Google app.
    ///   - clientSecret: The app's client secret.
    ///   - authorizationBaseURL: `https://accounts.google.com`, or the emulator's `/google` base.
    ///   - tokenBaseURL: `https://oauth2.googleapis.com`, or the emulator's `/google` base.
    ///   - transport: Where requests go.
    ///   - timeSource: The current instant, for token expiries.
    public static func google(
        app: OAuthApp, clientSecret: Secret?, authorizationBaseURL: URL, tokenBaseURL: URL,
        transport: any HTTPTransport, timeSource: any TimeSource
    ) -> OAuthClient {
        OAuthClient(
            vendor: .google, app: app, clientSecret: clientSecret,
            authorizeEndpoint: authorizationBaseURL.appending(path: "o/oauth2/v2/auth"),
            tokenEndpoint: tokenBaseURL.appending(path: "token"),
            revokeEndpoint: tokenBaseURL.appending(path: "revoke"),
            transport: transport, timeSource: timeSource)
    }

    /// Creates a Microsoft identity platform client.
    /// - Parameters:
    ///   - app: The tenant's Microsoft app; `directoryTenant` names the URL's tenant segment.
    ///   - clientSecret: The secret of a confidential app; nil for a public client, which must not send one.
    ///   - loginBaseURL: `https://login.microsoftonline.com`, a national cloud, or the emulator's `/microsoft-login` base.
    ///   - transport: Where requests go.
    ///   - timeSource: The current instant, for token expiries.
    public static func microsoft(
        app: OAuthApp, clientSecret: Secret?, loginBaseURL: URL, transport: any HTTPTransport,
        timeSource: any TimeSource
    ) -> OAuthClient {
        let base = loginBaseURL.appending(path: app.directoryTenant ?? "common").appending(path: "oauth2/v2.0")
        return OAuthClient(
            vendor: .microsoft, app: app, clientSecret: clientSecret,
            authorizeEndpoint: base.appending(path: "authorize"),
            tokenEndpoint: base.appending(path: "token"), revokeEndpoint: nil, transport: transport,
            timeSource: timeSource)
    }

    private init(
        vendor: Vendor, app: OAuthApp, clientSecret: Secret?, authorizeEndpoint: URL, tokenEndpoint: URL,
        revokeEndpoint: URL?, transport: any HTTPTransport, timeSource: any TimeSource
    ) {
        self.vendor = vendor
        self.app = app
        self.clientSecret = clientSecret
        self.authorizeEndpoint = authorizeEndpoint
        self.tokenEndpoint = tokenEndpoint
        self.revokeEndpoint = revokeEndpoint
        self.transport = transport
        self.timeSource = timeSource
    }

    /// The scopes this client asks for.
    public var scopes: [String] { vendor == .google ? Self.googleScopes : Self.microsoftScopes }

    /// The vendor's authorization URL for a person to open.
    /// - Parameters:
    ///   - state: The random `state`, echoed on the redirect.
    ///   - codeChallenge: The PKCE S256 challenge.
    ///   - redirectURI: The redirect URI; the app's loopback `redirectUri` when nil.
    /// - Returns: The URL, with `access_type=offline&prompt=consent` for Google.
    public func authorizationURL(state: String, codeChallenge: String, redirectURI: String? = nil) -> URL {
        var items = [
            URLQueryItem(name: "client_id", value: app.clientId),
            URLQueryItem(name: "redirect_uri", value: redirectURI ?? app.redirectUri),
            URLQueryItem(name: "response_type", value: "code"),
            URLQueryItem(name: "scope", value: scopes.joined(separator: " ")),
            URLQueryItem(name: "state", value: state),
            URLQueryItem(name: "code_challenge", value: codeChallenge),
            URLQueryItem(name: "code_challenge_method", value: "S256"),
        ]
        switch vendor {
        case .google:
            items.append(URLQueryItem(name: "access_type", value: "offline"))
            items.append(URLQueryItem(name: "prompt", value: "consent"))
        case .microsoft:
            items.append(URLQueryItem(name: "response_mode", value: "query"))
        }
        return authorizeEndpoint.appending(queryItems: items)
    }

    /// Exchanges an authorization code for tokens.
    /// - Parameters:
    ///   - code: The `code` from the redirect.
    ///   - verifier: The PKCE verifier whose challenge was on the authorization URL.
    ///   - redirectURI: The redirect URI used to authorize; the app's `redirectUri` when nil.
    /// - Returns: The tokens; `expiresAt` is now plus `expires_in`.
    /// - Throws: `AuthorizationError.invalidGrant` for a bad, used or expired code or a wrong verifier.
    public func exchange(code: String, verifier: Secret, redirectURI: String? = nil) async throws -> TokenSet {
        var form = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI ?? app.redirectUri),
            ("code_verifier", verifier.exposedValue),
        ]
        if vendor == .microsoft { form.append(("scope", scopes.joined(separator: " "))) }
        let body = try await tokenRequest(form)
        return try tokenSet(from: body, previousRefreshToken: nil)
    }

    /// Gets a new access token with a refresh token.
    ///
    /// Microsoft answers with a new refresh token that replaces the old one (`isRefreshTokenRotated`);
    /// Google answers without one, and the old one is kept in the result.
    /// - Parameter refreshToken: The stored refresh token.
    /// - Returns: The tokens to use and keep.
    /// - Throws: `AuthorizationError.invalidGrant` when the grant was revoked or expired.
    public func refresh(_ refreshToken: Secret) async throws -> TokenSet {
        var form = [("grant_type", "refresh_token"), ("refresh_token", refreshToken.exposedValue)]
        if vendor == .microsoft { form.append(("scope", scopes.joined(separator: " "))) }
        let body = try await tokenRequest(form)
        return try tokenSet(from: body, previousRefreshToken: refreshToken)
    }

    /// Revokes the Google grant behind an access or refresh token.
    /// - Parameter token: The token whose grant ends.
    /// - Throws: `AuthorizationError.unsupported` at Microsoft, which has no per-token revocation;
    ///   `VendorError` when Google refuses (for example `invalid_token` for a grant already gone).
    public func revoke(_ token: Secret) async throws {
        guard let revokeEndpoint else {
            throw AuthorizationError.unsupported("Microsoft has no per-token revocation")
        }
        let request = HTTPRequest(
            method: "POST", url: revokeEndpoint, headers: ["Content-Type": "application/x-www-form-urlencoded"],
            body: Self.formBody([("token", token.exposedValue)]))
        let response = try await transport.send(request)
        guard response.isSuccess else { throw VendorError(response: response) }
    }

    // MARK: - Token endpoint

    private func tokenRequest(_ fields: [(String, String)]) async throws -> Data {
        var form = fields
        form.append(("client_id", app.clientId))
        if let clientSecret { form.append(("client_secret", clientSecret.exposedValue)) }
        let request = HTTPRequest(
            method: "POST", url: tokenEndpoint,
            headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
            body: Self.formBody(form))
        let response = try await transport.send(request)
        guard response.isSuccess else { throw Self.error(for: response) }
        return response.body
    }

    /// The typed error of a token endpoint refusal.
    static func error(for response: HTTPResponse) -> any Error {
        let error = VendorError(response: response)
        if error.code == "invalid_grant" || error.aadstsCode.map(grantGoneAADSTSCodes.contains) == true {
            return AuthorizationError.invalidGrant(vendorMessage: error.message)
        }
        return error
    }

    private func tokenSet(from body: Data, previousRefreshToken: Secret?) throws -> TokenSet {
        let decoded: TokenResponse
        do {
            decoded = try JSONDecoder().decode(TokenResponse.self, from: body)
        } catch {
            throw AuthorizationError.malformedTokenResponse("no access_token and expires_in in the answer")
        }
        let issued = decoded.refreshToken.map(Secret.init)
        return TokenSet(
            accessToken: Secret(decoded.accessToken),
            expiresAt: timeSource.now.addingTimeInterval(TimeInterval(decoded.expiresIn)),
            refreshToken: issued ?? previousRefreshToken,
            isRefreshTokenRotated: issued != nil && previousRefreshToken != nil,
            scopes: decoded.scope?.split(separator: " ").map(String.init) ?? [])
    }

    private struct TokenResponse: Decodable {
        let accessToken: String
        let expiresIn: Int
        let refreshToken: String?
        let scope: String?

        enum CodingKeys: String, CodingKey {
            case accessToken = "access_token"
            case expiresIn = "expires_in"
            case refreshToken = "refresh_token"
            case scope
        }
    }

    /// `application/x-www-form-urlencoded`, escaping everything but RFC 3986 unreserved characters.
    static func formBody(_ fields: [(String, String)]) -> Data {
        let unreserved = CharacterSet(
            charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
        func escape(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? "" }
        return Data(fields.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&").utf8)
    }
}
