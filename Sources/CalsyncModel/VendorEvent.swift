import Foundation

/// The mark calsync puts on every vendor event it writes (Google `extendedProperties.private`, a
/// Graph single-value extended property), naming who owns it.
///
/// calsync deletes on the vendor side only events it owns or has mapped, and never copies an event
/// that carries its own stamp back as a new entry.
public struct OwnershipStamp: Sendable, Hashable, Codable, CustomStringConvertible {
    public var tenant: TenantName
    public var provider: ProviderName
    /// The mapping the event belongs to.
    public var mapping: String

    public init(tenant: TenantName, provider: ProviderName, mapping: String) {
        self.tenant = tenant
        self.provider = provider
        self.mapping = mapping
    }

    /// The stamp's single string form, `tenant/provider/mapping`, as stored at the vendor.
    public var description: String { "\(tenant)/\(provider)/\(mapping)" }

    /// Parses `tenant/provider/mapping`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 3, let tenant = TenantName(rawValue: String(parts[0])),
            let provider = ProviderName(rawValue: String(parts[1])), !parts[2].isEmpty
        else { return nil }
        self.init(tenant: tenant, provider: provider, mapping: String(parts[2]))
    }
}

/// One event as a vendor reported it, in the vendor-neutral form the sync engine works with.
///
/// A deleted event (Google `cancelled`, Graph `@removed` with reason `deleted`) has
/// `isDeleted` set and may carry nothing but its id.
public struct VendorEvent: Sendable, Hashable {
    /// The vendor's event id (Google event id, Graph event id).
    public var id: String
    /// Google `etag`, Graph `@odata.etag`; what `If-Match` sends.
    public var etag: String?
    public var isDeleted: Bool
    public var title: String
    public var description: String?
    public var location: String?
    /// nil only on a deleted event.
    public var start: EntryTime?
    public var end: EntryTime?
    /// IANA time zone of a timed event, when the vendor named one.
    public var timeZone: String?
    /// The vendor's last-modified time.
    public var updatedAt: Date?
    /// The series an instance belongs to (Google `recurringEventId`, Graph `seriesMasterId`).
    public var seriesID: String?
    /// calsync's mark, when calsync wrote the event.
    public var stamp: OwnershipStamp?

    public init(
        id: String, etag: String? = nil, isDeleted: Bool = false, title: String = "", description: String? = nil,
        location: String? = nil, start: EntryTime? = nil, end: EntryTime? = nil, timeZone: String? = nil,
        updatedAt: Date? = nil, seriesID: String? = nil, stamp: OwnershipStamp? = nil
    ) {
        self.id = id
        self.etag = etag
        self.isDeleted = isDeleted
        self.title = title
        self.description = description
        self.location = location
        self.start = start
        self.end = end
        self.timeZone = timeZone
        self.updatedAt = updatedAt
        self.seriesID = seriesID
        self.stamp = stamp
    }
}

/// The fields calsync writes to a vendor event: a create sends them all, an update PATCHes only these,
/// so attendees, reminders and everything else calsync does not model are left alone.
public struct EventDraft: Sendable, Hashable {
    public var title: String
    public var description: String?
    public var location: String?
    public var start: EntryTime
    public var end: EntryTime
    public var timeZone: String?
    public var stamp: OwnershipStamp

    public init(
        title: String, description: String? = nil, location: String? = nil, start: EntryTime, end: EntryTime,
        timeZone: String? = nil, stamp: OwnershipStamp
    ) {
        self.title = title
        self.description = description
        self.location = location
        self.start = start
        self.end = end
        self.timeZone = timeZone
        self.stamp = stamp
    }
}
