import CalsyncModel

/// The vendor side of the executor's actions: webhooks and syncs need a vendor client, which
/// "Talking to the vendors" provides. Without one these actions stay pending on the card.
public protocol VendorActions: Sendable {
    /// Performs `action` (register or renew a webhook, sync) for the provider and returns its new state.
    func perform(_ action: PlannedAction, on provider: ProviderState) async throws -> ProviderState
}
