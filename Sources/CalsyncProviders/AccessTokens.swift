import CalsyncModel
import Foundation

/// The access tokens of one authorized account: a cached bearer token, refreshed with the stored
/// refresh token when there is none or when it expires within `refreshMargin`.
///
/// Concurrent callers share one refresh. Every refresh is handed to `onRefresh` before it is used, so
/// the caller can seal and store the refresh token it carries (Microsoft issues a new one on every
/// refresh, and it replaces the old one); when `onRefresh` throws, the new tokens are not adopted and
/// the error reaches the caller. A revoked or expired grant throws `AuthorizationError.invalidGrant`.
public actor AccessTokens {
    /// Called with every new token set before it is used: store `refreshToken` when it was rotated.
    public typealias RefreshObserver = @Sendable (TokenSet) async throws -> Void

    /// A token is refreshed when it expires within this many seconds.
    public static let refreshMargin: TimeInterval = 60

    private let client: OAuthClient
    private let timeSource: any TimeSource
    private let onRefresh: RefreshObserver
    private var refreshToken: Secret
    private var current: TokenSet?
    private var inFlight: Task<TokenSet, any Error>?

    /// Creates the token holder of one account.
    /// - Parameters:
    ///   - client: The OAuth client of the tenant's app at the account's vendor.
    ///   - refreshToken: The stored refresh token.
    ///   - current: An access token already at hand (for example from the code exchange), if any.
    ///   - timeSource: The current instant, compared with `expiresAt`.
    ///   - onRefresh: Called with every new token set before it is used.
    public init(
        client: OAuthClient, refreshToken: Secret, current: TokenSet? = nil, timeSource: any TimeSource,
        onRefresh: @escaping RefreshObserver = { _ in }
    ) {
        self.client = client
        self.refreshToken = refreshToken
        self.current = current
        self.timeSource = timeSource
        self.onRefresh = onRefresh
    }

    /// The vendor the tokens are for.
    public nonisolated var vendor: Vendor { client.vendor }

    /// A bearer token valid for at least `refreshMargin` more seconds, refreshing when needed.
    /// - Throws: `AuthorizationError.invalidGrant` when the grant is gone; `VendorError` or
    ///   `TransportError` when the token endpoint fails; whatever `onRefresh` throws.
    public func accessToken() async throws -> Secret {
        if let current, current.expiresAt.timeIntervalSince(timeSource.now) > Self.refreshMargin {
            return current.accessToken
        }
        return try await refresh().accessToken
    }

    /// A new bearer token, after the vendor refused the one in use (401).
    ///
    /// - Parameter rejected: The token the vendor refused. When another caller already replaced it,
    ///   the newer token is returned without a second refresh.
    /// - Throws: As `accessToken()`.
    public func refreshed(rejecting rejected: Secret? = nil) async throws -> Secret {
        if let rejected, let current, current.accessToken != rejected,
            current.expiresAt.timeIntervalSince(timeSource.now) > Self.refreshMargin
        {
            return current.accessToken
        }
        return try await refresh().accessToken
    }

    /// Runs one refresh, or joins the one already running.
    private func refresh() async throws -> TokenSet {
        if let inFlight { return try await inFlight.value }
        let task = Task { try await self.performRefresh() }
        inFlight = task
        defer { inFlight = nil }
        return try await task.value
    }

    private func performRefresh() async throws -> TokenSet {
        let tokens = try await client.refresh(refreshToken)
        try await onRefresh(tokens)
        if let rotated = tokens.refreshToken { refreshToken = rotated }
        current = tokens
        return tokens
    }
}
