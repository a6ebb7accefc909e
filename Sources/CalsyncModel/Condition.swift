import Foundation

/// A condition on a provider card, as Flux and Kubernetes write them.
public struct Condition: Sendable, Hashable, Codable {
    /// The kinds of condition.
    public enum Kind: String, Sendable, Hashable, Codable {
        /// Whether the provider matches its manifest and needs nothing.
        case ready = "Ready"
    }

    /// Whether the condition holds.
    public enum Status: String, Sendable, Hashable, Codable {
        case `true` = "True"
        case `false` = "False"
    }

    /// Why a `Ready` condition has its status (SPEC section 11).
    public enum Reason: String, Sendable, Hashable, Codable, CaseIterable {
        /// Nothing pending.
        case converged = "Converged"
        /// Waiting for OAuth consent.
        case authorizationRequired = "AuthorizationRequired"
        /// Mappings in conflict wait for a person.
        case conflictsPending = "ConflictsPending"
        /// A sync would delete more than `maxDeletesPerSync`.
        case deleteBudgetExceeded = "DeleteBudgetExceeded"
        /// The last sync failed.
        case syncFailed = "SyncFailed"
        /// The webhook could not be renewed.
        case webhookRenewalFailed = "WebhookRenewalFailed"
        /// `enabled: false`.
        case disabled = "Disabled"
    }

    public var type: Kind
    public var status: Status
    public var reason: Reason
    public var message: String
    /// When status or reason last changed; unchanged otherwise, so status files do not churn.
    public var lastTransitionTime: Date

    public init(type: Kind = .ready, status: Status, reason: Reason, message: String, lastTransitionTime: Date) {
        self.type = type
        self.status = status
        self.reason = reason
        self.message = message
        self.lastTransitionTime = lastTransitionTime
    }

    /// This condition moved to `next`, keeping the transition time when status and reason stay.
    public func moved(to next: Condition) -> Condition {
        guard next.status == status, next.reason == reason else { return next }
        var kept = next
        kept.lastTransitionTime = lastTransitionTime
        return kept
    }
}
