import Foundation

/// The id of a mapping: one entry paired with one vendor event of one provider.
///
/// Shown by `calsync conflicts list` and on the card; named by `conflicts resolve` and `mappings reset`.
public struct MappingID: RawRepresentable, Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}

/// Where a mapping stands (SPEC section 8 `sync_status`, plus `parked`).
public enum MappingStatus: String, Sendable, Hashable, Codable, CaseIterable {
    /// A vendor create was started and its answer is not recorded yet; the next sync looks for the
    /// event by its ownership stamp before creating again.
    case pending
    /// Both sides were equal when last synced; the hashes and etag are the base of the next decision.
    case synced
    /// Both sides changed since the last sync and `conflictPolicy: manual` waits for a person.
    case conflict
    /// The last write for this pair failed; `error` holds the vendor's text.
    case error
    /// Both sides are gone; the row stays so a replayed vendor change is not copied back.
    case deleted
    /// The pair is outside the sync window; leaving the window is never a deletion.
    case parked
}

/// Which side `calsync conflicts resolve --keep` chose; the next sync writes it to the other side.
public enum ConflictResolution: String, Sendable, Hashable, Codable, CaseIterable {
    /// The tenant's entry wins.
    case keepLocal = "local"
    /// The vendor event wins.
    case keepExternal = "external"
}

/// One synced pair: an entry of the tenant's schedule and an event of a provider's calendar.
public struct Mapping: Sendable, Hashable {
    public var id: MappingID
    public var ref: ProviderRef
    /// The entry; nil only for a vendor event adopted before its entry was written.
    public var entryID: EntryID?
    /// The vendor's event id; nil while a create is pending.
    public var vendorEventID: String?
    /// The vendor etag (Google `etag`, Graph `@odata.etag`) as last synced.
    public var etag: String?
    /// Content hash of the entry as last synced (nil: never synced from this side).
    public var localHash: String?
    /// Content hash of the vendor event as last synced.
    public var remoteHash: String?
    public var status: MappingStatus
    public var lastSyncedAt: Date?
    /// The vendor's error text, verbatim, when `status` is `error`.
    public var error: String?
    /// Grows on every write; writers that do not hold the run lock compare it.
    public var version: Int
    /// The generation of the Google event id derived from this mapping; grows when an id is used up
    /// (Google keeps a deleted event's id, so a re-create needs a new one).
    public var generation: Int
    /// The side a person chose for a conflict; cleared once the next sync wrote it.
    public var resolution: ConflictResolution?
    /// For `error`: the pair of hashes the failed write was attempted for. The pair is retried when
    /// either side changes again, or after `calsync mappings reset`; nil retries on the next sync.
    public var attempt: String?
    /// The vendor series the event is an instance of (Google `recurringEventId`, Graph `seriesMasterId`):
    /// a deleted series deletes its instances.
    public var seriesID: String?

    public init(
        id: MappingID, ref: ProviderRef, entryID: EntryID? = nil, vendorEventID: String? = nil, etag: String? = nil,
        localHash: String? = nil, remoteHash: String? = nil, status: MappingStatus = .pending, lastSyncedAt: Date? = nil,
        error: String? = nil, version: Int = 0, generation: Int = 0, resolution: ConflictResolution? = nil,
        attempt: String? = nil, seriesID: String? = nil
    ) {
        self.id = id
        self.ref = ref
        self.entryID = entryID
        self.vendorEventID = vendorEventID
        self.etag = etag
        self.localHash = localHash
        self.remoteHash = remoteHash
        self.status = status
        self.lastSyncedAt = lastSyncedAt
        self.error = error
        self.version = version
        self.generation = generation
        self.resolution = resolution
        self.attempt = attempt
        self.seriesID = seriesID
    }

    /// The stamp calsync writes on this mapping's vendor event.
    public var stamp: OwnershipStamp { OwnershipStamp(tenant: ref.tenant, provider: ref.provider, mapping: id.rawValue) }

    /// Whether the row still pairs something (every status but `deleted`).
    public var isLive: Bool { status != .deleted }
}

/// One side of a conflict as `calsync conflicts list` shows it: the fields calsync manages.
///
/// Holds titles and descriptions, so it is written only to the conflict record and shown only by
/// `conflicts list`; never in plans, status files, events or notifications.
public struct EventVersion: Sendable, Hashable, Codable {
    public var title: String
    public var description: String?
    public var location: String?
    public var start: String
    public var end: String
    public var allDay: Bool
    public var timeZone: String?
    public var updatedAt: Date?

    public init(
        title: String, description: String?, location: String?, start: String, end: String, allDay: Bool,
        timeZone: String?, updatedAt: Date?
    ) {
        self.title = title
        self.description = description
        self.location = location
        self.start = start
        self.end = end
        self.allDay = allDay
        self.timeZone = timeZone
        self.updatedAt = updatedAt
    }

    /// The entry's side.
    public init(_ entry: Entry) {
        self.init(
            title: entry.title, description: entry.description, location: entry.location,
            start: entry.start.description, end: entry.end.description, allDay: entry.isAllDay,
            timeZone: entry.timeZone, updatedAt: entry.updatedAt)
    }

    /// The vendor's side; nil for a deleted event.
    public init?(_ event: VendorEvent) {
        guard !event.isDeleted, let start = event.start, let end = event.end else { return nil }
        self.init(
            title: event.title, description: event.description, location: event.location, start: start.description,
            end: end.description, allDay: start.isDate, timeZone: event.timeZone, updatedAt: event.updatedAt)
    }
}

/// A mapping in conflict, with both versions as they were when the conflict was last seen.
public struct ConflictRecord: Sendable, Hashable {
    public var mapping: MappingID
    public var ref: ProviderRef
    public var entryID: EntryID?
    public var externalID: String?
    public var detectedAt: Date
    /// The entry's version; nil when the entry was deleted.
    public var local: EventVersion?
    /// The vendor event's version; nil when it was deleted.
    public var external: EventVersion?

    public init(
        mapping: MappingID, ref: ProviderRef, entryID: EntryID?, externalID: String?, detectedAt: Date,
        local: EventVersion?, external: EventVersion?
    ) {
        self.mapping = mapping
        self.ref = ref
        self.entryID = entryID
        self.externalID = externalID
        self.detectedAt = detectedAt
        self.local = local
        self.external = external
    }
}

/// A provider's change cursor (Google `nextSyncToken`, Graph `deltaLink`) and the window it was read for.
public struct SyncCursor: Sendable, Hashable {
    /// The vendor's opaque cursor; it may carry secrets of the vendor's making and is never printed.
    public var value: String
    /// The window the round that produced it covered; another window restarts the round.
    public var window: DateInterval

    public init(value: String, window: DateInterval) {
        self.value = value
        self.window = window
    }
}
