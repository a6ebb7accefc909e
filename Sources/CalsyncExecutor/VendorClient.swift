import CalsyncModel
import CalsyncProviders
import Foundation

/// The vendor side of the executor's actions: webhooks, syncs, and the clean-up of a deleted
/// provider. Without it these actions stay pending on the card.
public protocol VendorActions: Sendable {
    /// Performs `action` (register or renew a webhook, sync) for the provider.
    /// - Returns: The provider's new state, or nil when the action cannot run here and stays pending.
    func perform(_ action: PlannedAction, on provider: ProviderState) async throws -> ProviderState?

    /// Before a provider is deleted: stops its push channels and revokes a Google grant nobody else uses.
    /// - Parameters:
    ///   - provider: The provider being deleted.
    ///   - others: Every other provider the state records.
    /// - Returns: What could not be cleaned up, one line each; the delete goes ahead regardless.
    func cleanUp(deleting provider: ProviderState, others: [ProviderState]) async -> [String]
}

/// Authorized vendor clients, one per provider, built at the composition root from the sealed credentials.
public protocol ProviderSessions: Sendable {
    /// The calendar client of the provider's account.
    /// - Throws: `AuthorizationError.invalidGrant` when the grant is gone; `VendorAccessFailure` when
    ///   no client can be built (no credential, unresolvable client secret).
    func client(for provider: ProviderState) async throws -> any CalendarClient

    /// Revokes the provider's Google grant (its refresh token); Microsoft has no per-token revocation.
    func revokeGrant(of provider: ProviderState) async throws
}

/// No client can be built for a provider; the message says what to fix.
public struct VendorAccessFailure: Error, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
