import CalsyncModel
import Foundation

/// Tokens from a code exchange or a refresh.
///
/// Holds secrets, so it is deliberately not `Encodable`; seal the refresh token before storing it.
public struct TokenSet: Sendable, Hashable {
    /// The bearer token for API calls.
    public let accessToken: Secret
    /// When the access token stops working: the injected now plus `expires_in`.
    public let expiresAt: Date
    /// The refresh token to keep.
    ///
    /// The new one when the vendor issued one, otherwise the one refreshed with; nil only when a code
    /// exchange returned none.
    public let refreshToken: Secret?
    /// Whether the vendor issued a new refresh token that replaces the old one (Microsoft on every refresh).
    public let isRefreshTokenRotated: Bool
    /// Granted scopes, as the vendor listed them.
    public let scopes: [String]

    /// Creates a token set.
    public init(
        accessToken: Secret, expiresAt: Date, refreshToken: Secret?, isRefreshTokenRotated: Bool, scopes: [String]
    ) {
        self.accessToken = accessToken
        self.expiresAt = expiresAt
        self.refreshToken = refreshToken
        self.isRefreshTokenRotated = isRefreshTokenRotated
        self.scopes = scopes
    }
}
