import CalsyncModel

/// One decoded manifest document, with the locations later checks point at.
enum ManifestDocument: Sendable {
    case tenant(TenantSpec, name: SourceLocation)
    case provider(ProviderSpec, name: SourceLocation, tenant: SourceLocation, vendor: SourceLocation)
    case channel(ChannelSpec, name: SourceLocation, tenants: [Located<TenantName>])
    case config(ConfigFile, at: SourceLocation)
}

/// The kinds a manifest document may have.
public enum ManifestKind: String, CaseIterable, Sendable {
    case tenant = "Tenant"
    case calendarProvider = "CalendarProvider"
    case notificationChannel = "NotificationChannel"
    case config = "Config"
}

/// The one API version calsync reads.
public let manifestAPIVersion = "calsync/v1"
