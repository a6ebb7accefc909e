/// A failure of the OAuth flow that calls for a person, or a token endpoint answer calsync cannot use.
public enum AuthorizationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The grant is gone: revoked, expired, already redeemed, or the PKCE verifier does not match.
    /// Carries the vendor's message verbatim. The provider needs `calsync authorize` again.
    case invalidGrant(vendorMessage: String)
    /// The token endpoint answered 2xx with a body that is not a token response.
    case malformedTokenResponse(String)
    /// The operation does not exist at this vendor (Microsoft has no per-token revocation).
    case unsupported(String)

    /// Whether a later try may succeed without a person; none of these.
    public var isRetryable: Bool { false }

    /// Whether the provider needs to be authorized again.
    public var requiresAuthorization: Bool {
        if case .invalidGrant = self { return true }
        return false
    }

    public var description: String {
        switch self {
        case .invalidGrant(let message): return "invalid_grant: \(message)"
        case .malformedTokenResponse(let detail): return "malformed token response: \(detail)"
        case .unsupported(let what): return "unsupported: \(what)"
        }
    }
}
