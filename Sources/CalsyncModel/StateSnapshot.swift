import Foundation

/// Whether a provider holds a usable OAuth credential, as its card shows it.
public enum OAuthBadge: String, Sendable, Hashable, Codable, CaseIterable {
    /// A refresh token is stored and was last seen working.
    case complete = "OAuth Complete"
    /// Never authorized, revoked, or refused with `invalid_grant`.
    case authorizationRequired = "Authorization Required"
}

/// Why a provider has no usable credential.
public enum CredentialStatus: String, Sendable, Hashable, Codable {
    /// Never authorized.
    case none
    /// Stored and usable.
    case valid
    /// Revoked, or refused with `invalid_grant`.
    case revoked
}

/// A provider's connection as its card shows it.
public enum ConnectionStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// Authorized and the calendar answered.
    case connected = "Connected"
    /// Not reachable right now.
    case disconnected = "Disconnected"
    /// The vendor returned an error; its text is on the card.
    case error = "Error"
    /// Waiting for OAuth consent.
    case pendingAuthorization = "PendingAuthorization"
    /// `enabled: false`.
    case disabled = "Disabled"
}

/// The push channel (Google) or subscription (Graph) of a provider, as recorded.
public struct WebhookState: Sendable, Hashable, Codable {
    /// Channel or subscription id.
    public var id: String
    public var expiresAt: Date
    /// False once the vendor reported it gone.
    public var isAlive: Bool

    public init(id: String, expiresAt: Date, isAlive: Bool = true) {
        self.id = id
        self.expiresAt = expiresAt
        self.isAlive = isAlive
    }
}

/// The outcome of a provider's last sync, as its card shows it.
public struct LastSync: Sendable, Hashable, Codable {
    /// How a sync ended.
    public enum Result: String, Sendable, Hashable, Codable {
        /// Every change was applied.
        case succeeded = "Succeeded"
        /// The sync stopped with an error.
        case failed = "Failed"
        /// The sync would have deleted more than `maxDeletesPerSync`, so it wrote nothing.
        case deleteBudgetExceeded = "DeleteBudgetExceeded"
    }

    public var at: Date
    public var result: Result
    public var pulled: Int
    public var pushed: Int
    public var deleted: Int
    public var conflicts: Int

    public init(at: Date, result: Result, pulled: Int = 0, pushed: Int = 0, deleted: Int = 0, conflicts: Int = 0) {
        self.at = at
        self.result = result
        self.pulled = pulled
        self.pushed = pushed
        self.deleted = deleted
        self.conflicts = conflicts
    }
}

/// What the state records about one provider: the spec as last applied and what has happened since.
public struct ProviderState: Sendable, Hashable, Codable {
    public var ref: ProviderRef
    /// The spec as last applied.
    public var applied: ProviderSpec
    /// Grows by one each time the hash of the applied spec changes; starts at 1.
    public var generation: Int
    public var credential: CredentialStatus
    /// False once `disable` was applied; true again after `enabled: true` is applied.
    public var isActive: Bool
    public var webhook: WebhookState?
    /// Whether the sync cursor (Google `nextSyncToken`, Graph `deltaLink`) is known to be expired.
    public var isCursorExpired: Bool
    /// Set by a webhook notification, cleared by a sync.
    public var isNotificationPending: Bool
    public var lastSync: LastSync?
    public var mappingCount: Int
    public var conflictCount: Int
    /// The vendor's error text, verbatim, when the last vendor call failed.
    public var lastError: String?

    public init(
        ref: ProviderRef, applied: ProviderSpec, generation: Int = 1, credential: CredentialStatus = .none,
        isActive: Bool = true, webhook: WebhookState? = nil, isCursorExpired: Bool = false,
        isNotificationPending: Bool = false, lastSync: LastSync? = nil, mappingCount: Int = 0, conflictCount: Int = 0,
        lastError: String? = nil
    ) {
        self.ref = ref
        self.applied = applied
        self.generation = generation
        self.credential = credential
        self.isActive = isActive
        self.webhook = webhook
        self.isCursorExpired = isCursorExpired
        self.isNotificationPending = isNotificationPending
        self.lastSync = lastSync
        self.mappingCount = mappingCount
        self.conflictCount = conflictCount
        self.lastError = lastError
    }

    public var oauth: OAuthBadge { credential == .valid ? .complete : .authorizationRequired }
}

/// What the state records about one tenant.
public struct TenantState: Sendable, Hashable, Codable {
    /// The tenant as last applied.
    public var applied: TenantSpec
    /// Entries in the tenant's schedule; kept when providers are deleted.
    public var entryCount: Int

    public init(applied: TenantSpec, entryCount: Int = 0) {
        self.applied = applied
        self.entryCount = entryCount
    }

    public var name: TenantName { applied.name }
}

/// The actual state a plan is made against, read in one transaction.
public struct StateSnapshot: Sendable, Hashable, Codable {
    /// Grows only when something a plan depends on changes.
    public var serial: Int64
    public var tenants: [TenantState]
    public var providers: [ProviderState]
    public var channels: [ChannelSpec]

    public init(serial: Int64 = 0, tenants: [TenantState] = [], providers: [ProviderState] = [], channels: [ChannelSpec] = []) {
        self.serial = serial
        self.tenants = tenants.sorted { $0.name < $1.name }
        self.providers = providers.sorted { $0.ref < $1.ref }
        self.channels = channels.sorted { $0.name < $1.name }
    }

    /// The empty state of a database that does not exist yet.
    public static let empty = StateSnapshot()
}

/// What a refresh read from the vendors, per provider; absent entries mean "not checked".
public struct ObservedState: Sendable, Hashable, Codable {
    public var providers: [ProviderRef: ObservedProvider]

    public init(providers: [ProviderRef: ObservedProvider] = [:]) { self.providers = providers }
}

/// What the vendor said about one provider during a refresh.
public struct ObservedProvider: Sendable, Hashable, Codable {
    public var isCredentialRevoked: Bool
    public var isCalendarMissing: Bool
    public var isWebhookMissing: Bool
    public var isCursorExpired: Bool
    /// The vendor's error text when the check failed for another reason; nil when the calendar answered.
    public var error: String?
    /// The calendar's own id as the vendor resolved it (Google `primary` becomes the account's address).
    public var calendarID: String?

    public init(
        isCredentialRevoked: Bool = false, isCalendarMissing: Bool = false, isWebhookMissing: Bool = false,
        isCursorExpired: Bool = false, error: String? = nil, calendarID: String? = nil
    ) {
        self.error = error
        self.calendarID = calendarID
        self.isCredentialRevoked = isCredentialRevoked
        self.isCalendarMissing = isCalendarMissing
        self.isWebhookMissing = isWebhookMissing
        self.isCursorExpired = isCursorExpired
    }
}

extension ObservedState {
    /// The observation a plan's drift records, so a saved plan re-plans to the same actions.
    public init(drift actions: [PlannedAction]) {
        var providers: [ProviderRef: ObservedProvider] = [:]
        for action in actions {
            for drift in action.drift {
                var observed = providers[action.ref] ?? ObservedProvider()
                switch drift.kind {
                case .credentialRevoked: observed.isCredentialRevoked = true
                case .calendarNotFound:
                    observed.isCalendarMissing = true
                    observed.error = drift.detail
                case .webhookMissing: observed.isWebhookMissing = true
                case .cursorExpired: observed.isCursorExpired = true
                }
                providers[action.ref] = observed
            }
        }
        self.init(providers: providers)
    }
}
