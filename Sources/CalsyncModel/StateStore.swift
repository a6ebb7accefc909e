import Foundation

/// One write the executor asks of the state: each is committed in a transaction of its own.
public enum StateChange: Sendable, Hashable {
    /// Records a tenant as applied (created or updated).
    case recordTenant(TenantSpec)
    /// The tenant left the manifests: it is no longer declared, its schedule is kept.
    case retireTenant(TenantName)
    /// Records a notification channel as applied.
    case recordChannel(ChannelSpec)
    /// The channel left the manifests.
    case removeChannel(ChannelName)
    /// Records a provider's new state (create, update, disable, or the outcome of a vendor action).
    case recordProvider(ProviderState, card: ProviderCardState)
    /// Deletes a provider: its webhook record, mappings and credential go; entries stay.
    case deleteProvider(ProviderRef)
    /// The vendor refused the grant (`invalid_grant`): the credential goes, the provider is marked
    /// revoked and an `authorization_required` event is queued.
    case revokeCredential(ProviderRef, vendorMessage: String, at: Date)
    /// Records a push channel or subscription (replacing one with the same id).
    case recordWebhook(WebhookRecord)
    /// Forgets a push channel or subscription.
    case removeWebhook(id: String)
    /// Queues a notification event.
    case enqueue(NotificationEvent)
}

/// The parts of a provider's card that must survive between runs so status files do not churn.
public struct ProviderCardState: Sendable, Hashable, Codable {
    public var ready: Condition
    public var pendingActions: [ActionKind]

    public init(ready: Condition, pendingActions: [ActionKind]) {
        self.ready = ready
        self.pendingActions = pendingActions
    }
}

/// Where calsync's actual state lives. The SQLite store is the one implementation today; a
/// PostgreSQL one can follow without the planner or the executor changing.
public protocol StateStore: Sendable {
    /// Everything a plan depends on, read in one transaction.
    func snapshot() throws -> StateSnapshot
    /// The cards of every provider, as last recorded.
    func cards() throws -> [ProviderRef: ProviderCardState]
    /// Commits one change atomically; the serial grows when what a plan depends on changed.
    func apply(_ change: StateChange) throws
    /// Appends a run to the history; never moves the serial.
    func recordRun(_ run: RunRecord) throws
    /// The push channels and subscriptions recorded for `ref`.
    func webhooks(of ref: ProviderRef) throws -> [WebhookRecord]
}

/// One run of a writing command, kept in the state's history.
public struct RunRecord: Sendable, Hashable {
    public var id: String
    public var command: String
    public var startedAt: Date
    public var finishedAt: Date
    public var exitCode: Int32
    /// Counts only, such as `4 applied, 3 blocked, 0 failed`.
    public var summary: String

    public init(id: String, command: String, startedAt: Date, finishedAt: Date, exitCode: Int32, summary: String) {
        self.id = id
        self.command = command
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.exitCode = exitCode
        self.summary = summary
    }
}
