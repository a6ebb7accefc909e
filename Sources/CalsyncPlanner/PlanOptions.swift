import CalsyncModel

/// Settings that change what the planner plans, beyond the manifests and the state.
public struct PlanOptions: Sendable, Hashable {
    /// Whether a webhook base URL is configured; without one providers poll on `syncInterval`.
    public var webhooksEnabled: Bool
    /// A live webhook that expires within this window of `now` is renewed (`webhookRenewBefore`).
    public var webhookRenewBefore: SpecDuration

    /// Creates options.
    ///
    /// - Parameters:
    ///   - webhooksEnabled: Whether a webhook base URL is configured.
    ///   - webhookRenewBefore: The renewal window; 24 hours by default.
    public init(webhooksEnabled: Bool = false, webhookRenewBefore: SpecDuration = .hours(24)) {
        self.webhooksEnabled = webhooksEnabled
        self.webhookRenewBefore = webhookRenewBefore
    }
}
