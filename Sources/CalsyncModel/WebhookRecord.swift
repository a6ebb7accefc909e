import Foundation

/// A provider's push channel as the state keeps it: what `serve` needs to verify a notification.
///
/// The channel token (Google) or `clientState` (Graph) is sealed like a refresh token.
public struct WebhookRecord: Sendable, Hashable {
    /// Google channel id or Graph subscription id.
    public var id: String
    public var ref: ProviderRef
    public var vendor: Vendor
    /// Google `resourceId`, needed to stop the channel; nil at Graph.
    public var resourceID: String?
    /// The channel token or `clientState`, sealed.
    public var secret: SealedToken
    public var expiresAt: Date
    /// Renewals that failed in a row; three raise `webhook_renewal_failed`.
    public var renewalFailures: Int

    public init(
        id: String, ref: ProviderRef, vendor: Vendor, resourceID: String? = nil, secret: SealedToken, expiresAt: Date,
        renewalFailures: Int = 0
    ) {
        self.id = id
        self.ref = ref
        self.vendor = vendor
        self.resourceID = resourceID
        self.secret = secret
        self.expiresAt = expiresAt
        self.renewalFailures = renewalFailures
    }
}
