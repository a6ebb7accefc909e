import Foundation

/// An authorization started by `calsync authorize` (or `serve`'s web flow) and not yet completed:
/// a single-use row keyed by the OAuth `state`, holding the sealed PKCE verifier.
public struct PendingAuthorization: Sendable, Hashable {
    /// The random OAuth `state` echoed on the redirect.
    public var state: String
    public var ref: ProviderRef
    /// The PKCE verifier, sealed.
    public var verifier: SealedToken
    /// The redirect URI the authorization URL named; the code exchange must name it again.
    public var redirectURI: String
    /// Ten minutes after the start.
    public var expiresAt: Date

    public init(state: String, ref: ProviderRef, verifier: SealedToken, redirectURI: String, expiresAt: Date) {
        self.state = state
        self.ref = ref
        self.verifier = verifier
        self.redirectURI = redirectURI
        self.expiresAt = expiresAt
    }
}

/// A cached access token, sealed, with its expiry.
public struct CachedAccessToken: Sendable, Hashable {
    public var sealed: SealedToken
    public var expiresAt: Date

    public init(sealed: SealedToken, expiresAt: Date) {
        self.sealed = sealed
        self.expiresAt = expiresAt
    }
}
