/// A tenant's OAuth app at one vendor.
public struct OAuthApp: Sendable, Hashable, Codable {
    public var clientId: String
    /// Required for Google; absent for a Microsoft public client.
    public var clientSecret: SecretRef?
    /// Loopback redirect URI used by `calsync authorize`.
    public var redirectUri: String
    /// Redirect URI of `calsync serve`'s `/oauth/callback`.
    public var webRedirectUri: String?
    /// Entra ID tenant segment of the Microsoft token URL; nil for Google.
    public var directoryTenant: String?

    public init(
        clientId: String, clientSecret: SecretRef?, redirectUri: String, webRedirectUri: String? = nil,
        directoryTenant: String? = nil
    ) {
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.redirectUri = redirectUri
        self.webRedirectUri = webRedirectUri
        self.directoryTenant = directoryTenant
    }
}

/// A tenant as the manifests declare it.
public struct TenantSpec: Sendable, Hashable, Codable {
    public var name: TenantName
    public var displayName: String
    public var oauthApps: OAuthApps
    /// Bearer token of the tenant's HTTP API; nil keeps the API closed for this tenant.
    public var apiToken: SecretRef?

    /// The tenant's OAuth apps, at most one per vendor.
    public struct OAuthApps: Sendable, Hashable, Codable {
        public var google: OAuthApp?
        public var microsoft: OAuthApp?

        public init(google: OAuthApp? = nil, microsoft: OAuthApp? = nil) {
            self.google = google
            self.microsoft = microsoft
        }

        public subscript(vendor: Vendor) -> OAuthApp? {
            switch vendor {
            case .google: return google
            case .microsoft: return microsoft
            }
        }
    }

    public init(name: TenantName, displayName: String? = nil, oauthApps: OAuthApps = .init(), apiToken: SecretRef? = nil) {
        self.name = name
        self.displayName = displayName ?? name.rawValue
        self.oauthApps = oauthApps
        self.apiToken = apiToken
    }
}

/// The sync window around now: how far back and ahead events are synced.
public struct SyncWindow: Sendable, Hashable, Codable {
    public var pastDays: Int
    public var futureDays: Int

    public init(pastDays: Int = 30, futureDays: Int = 365) {
        self.pastDays = pastDays
        self.futureDays = futureDays
    }

    public static let pastDaysRange = 0...366
    public static let futureDaysRange = 1...1096
}

/// A calendar provider as the manifests declare it, defaults applied.
public struct ProviderSpec: Sendable, Hashable, Codable {
    public var ref: ProviderRef
    public var displayName: String
    public var vendor: Vendor
    /// `primary` for Google's default calendar, `calendar` for Outlook's, or a vendor calendar id.
    public var calendarId: String
    public var syncDirection: SyncDirection
    public var enabled: Bool
    public var conflictPolicy: ConflictPolicy
    public var window: SyncWindow
    /// Polling interval when no webhook notification arrives.
    public var syncInterval: SpecDuration
    /// A sync that would delete more than this stops with an error.
    public var maxDeletesPerSync: Int
    /// A later removal from the manifests is refused while this is set.
    public var protect: Bool

    public static let syncIntervalRange = SpecDuration.minutes(1)...SpecDuration.days(7)
    public static let maxDeletesRange = 0...100_000

    public init(
        ref: ProviderRef, displayName: String? = nil, vendor: Vendor, calendarId: String,
        syncDirection: SyncDirection = .bidirectional, enabled: Bool = true, conflictPolicy: ConflictPolicy = .manual,
        window: SyncWindow = .init(), syncInterval: SpecDuration = .minutes(15), maxDeletesPerSync: Int = 50,
        protect: Bool = false
    ) {
        self.ref = ref
        self.displayName = displayName ?? ref.provider.rawValue
        self.vendor = vendor
        self.calendarId = calendarId
        self.syncDirection = syncDirection
        self.enabled = enabled
        self.conflictPolicy = conflictPolicy
        self.window = window
        self.syncInterval = syncInterval
        self.maxDeletesPerSync = maxDeletesPerSync
        self.protect = protect
    }
}

/// Which tenants a notification channel hears about.
public enum TenantSelector: Sendable, Hashable, Codable {
    /// Every tenant (`"*"`).
    case all
    /// Only these tenants.
    case only([TenantName])

    public func matches(_ tenant: TenantName) -> Bool {
        switch self {
        case .all: return true
        case .only(let names): return names.contains(tenant)
        }
    }
}

/// A notification channel as the manifests declare it.
public struct ChannelSpec: Sendable, Hashable, Codable {
    public var name: ChannelName
    public var type: ChannelType
    public var url: SecretRef
    /// HMAC-SHA256 key for the `X-Calsync-Signature` header of webhook channels.
    public var secret: SecretRef?
    public var events: [NotificationEventType]
    public var tenants: TenantSelector

    public init(
        name: ChannelName, type: ChannelType, url: SecretRef, secret: SecretRef? = nil,
        events: [NotificationEventType] = NotificationEventType.allCases, tenants: TenantSelector = .all
    ) {
        self.name = name
        self.type = type
        self.url = url
        self.secret = secret
        self.events = events
        self.tenants = tenants
    }
}

/// Everything the manifests ask for, sorted by name: the input of every plan.
public struct DesiredState: Sendable, Hashable, Codable {
    public var tenants: [TenantSpec]
    public var providers: [ProviderSpec]
    public var channels: [ChannelSpec]

    public init(tenants: [TenantSpec] = [], providers: [ProviderSpec] = [], channels: [ChannelSpec] = []) {
        self.tenants = tenants.sorted { $0.name < $1.name }
        self.providers = providers.sorted { $0.ref < $1.ref }
        self.channels = channels.sorted { $0.name < $1.name }
    }
}
