/// The calendar vendor behind a provider.
public enum Vendor: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// Google Calendar v3.
    case google
    /// Microsoft Outlook through Microsoft Graph.
    case microsoft

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Which side of a sync may write the other.
public enum SyncDirection: String, Sendable, Hashable, Codable, CaseIterable {
    /// Both sides write each other.
    case bidirectional
    /// The tenant's schedule writes the vendor calendar; the vendor never writes the schedule.
    case toExternal = "to_external"
    /// The vendor calendar writes the tenant's schedule; calsync never writes the vendor.
    case fromExternal = "from_external"
}

/// How a mapping changed on both sides since the last sync is settled.
public enum ConflictPolicy: String, Sendable, Hashable, Codable, CaseIterable {
    /// A person decides with `calsync conflicts resolve`.
    case manual
    /// The tenant's schedule wins.
    case preferLocal = "prefer_local"
    /// The vendor calendar wins.
    case preferExternal = "prefer_external"
    /// The side modified last wins.
    case newest
}

/// How a notification channel delivers.
public enum ChannelType: String, Sendable, Hashable, Codable, CaseIterable {
    /// A Slack incoming webhook.
    case slack
    /// A generic JSON webhook, optionally signed.
    case webhook
}

/// The kinds of notification event (SPEC section 11).
public enum NotificationEventType: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    /// A mapping was changed on both sides and needs a decision.
    case conflict
    /// A provider's sync or action failed.
    case error
    /// A provider needs OAuth consent.
    case authorizationRequired = "authorization_required"
    /// A webhook could not be renewed.
    case webhookRenewalFailed = "webhook_renewal_failed"
    /// A provider was deleted.
    case providerDeleted = "provider_deleted"
    /// A provider whose sync failed synced again.
    case syncRecovered = "sync_recovered"

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
