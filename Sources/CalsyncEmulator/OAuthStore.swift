import Foundation

/// Why a grant no longer works.
public enum GrantRevocation: String, Codable, Sendable {
    /// The user or an admin revoked access (Microsoft AADSTS50173).
    case revoked
    /// The grant expired (Microsoft AADSTS70008).
    case expired
}

/// A pending authorization code.
struct AuthorizationCode: Sendable {
    let code: String
    let vendor: Vendor
    let clientID: String
    let redirectURI: String
    let accountID: String
    let scopes: [String]
    let challenge: String?
    let challengeMethod: String
    let issuedAt: Date
    let issuesRefreshToken: Bool
    var isRedeemed = false
}

/// The user's consent to one client, which tokens hang off.
struct Grant: Sendable {
    let id: String
    let vendor: Vendor
    let clientID: String
    let accountID: String
    let scopes: [String]
    var revocation: GrantRevocation?
}

/// An issued access token.
struct AccessTokenRecord: Sendable {
    let grantID: String
    let expiresAt: Date
}

/// Codes, grants and tokens of both vendors.
struct OAuthStore: Sendable {
    var codes: [String: AuthorizationCode] = [:]
    var grants: [String: Grant] = [:]
    var accessTokens: [String: AccessTokenRecord] = [:]
    /// Refresh token → grant id.
    var refreshTokens: [String: String] = [:]
}

/// How long codes and tokens live.
enum OAuthLifetimes {
    /// Authorization codes expire after about ten minutes (both vendors).
    static let code: TimeInterval = 600
}

/// PKCE (RFC 7636) verification.
enum PKCE {
    /// Whether `verifier` answers `challenge` under `method` (`S256` or `plain`).
    static func verify(verifier: String, challenge: String, method: String) -> Bool {
        switch method {
        case "S256": return SHA256Digest.base64URL(of: Data(verifier.utf8)) == challenge
        case "plain": return verifier == challenge
        default: return false
        }
    }
}
