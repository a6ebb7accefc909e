import CalsyncModel
import Foundation

/// A provider that has not synced for longer than its `syncInterval` allows.
public struct StaleSync: Sendable, Hashable {
    public var ref: ProviderRef
    /// When its last sync ran.
    public var lastSyncAt: Date
    /// Its `syncInterval` as last applied.
    public var syncInterval: SpecDuration

    public init(ref: ProviderRef, lastSyncAt: Date, syncInterval: SpecDuration) {
        self.ref = ref
        self.lastSyncAt = lastSyncAt
        self.syncInterval = syncInterval
    }
}

/// A push channel or subscription that has expired or expires within the renewal window.
public struct ExpiringWebhook: Sendable, Hashable {
    public var ref: ProviderRef
    /// Google channel id or Graph subscription id.
    public var id: String
    public var expiresAt: Date

    public init(ref: ProviderRef, id: String, expiresAt: Date) {
        self.ref = ref
        self.id = id
        self.expiresAt = expiresAt
    }

    /// Whether it had expired by `now`.
    public func isExpired(at now: Date) -> Bool { expiresAt <= now }
}

/// A provider's conflicts that have waited longer than a threshold for a person.
public struct ConflictBacklog: Sendable, Hashable {
    public var ref: ProviderRef
    /// Conflicts older than the threshold.
    public var count: Int
    /// When the oldest of them was detected.
    public var oldestDetectedAt: Date

    public init(ref: ProviderRef, count: Int, oldestDetectedAt: Date) {
        self.ref = ref
        self.count = count
        self.oldestDetectedAt = oldestDetectedAt
    }
}

/// Notification events of one tenant (and provider, when the event names one) still undelivered
/// after a threshold.
public struct NotificationBacklog: Sendable, Hashable {
    public var tenant: TenantName
    /// Nil for events about the tenant as a whole.
    public var provider: ProviderName?
    /// Undelivered events older than the threshold.
    public var count: Int
    /// When the oldest of them was queued.
    public var oldestCreatedAt: Date
    /// The most delivery attempts any of them has had.
    public var attempts: Int

    public init(tenant: TenantName, provider: ProviderName?, count: Int, oldestCreatedAt: Date, attempts: Int) {
        self.tenant = tenant
        self.provider = provider
        self.count = count
        self.oldestCreatedAt = oldestCreatedAt
        self.attempts = attempts
    }

    /// `acme/google-main`, or `acme` for a tenant-wide event.
    public var subject: String { provider.map { "\(tenant)/\($0)" } ?? tenant.rawValue }
}
