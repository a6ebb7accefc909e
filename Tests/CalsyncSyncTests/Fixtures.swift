import CalsyncModel
import CalsyncSync
import Foundation

/// Pairs, mappings and rules for the decision tests, around a fixed instant.
enum Fixture {
    static let now = Date(timeIntervalSince1970: 1_767_603_600)  // 2026-01-05T09:00:00Z
    static let ref = ProviderRef("acme/google-main")!
    static let other = ProviderRef("acme/outlook")!
    static let window = SyncRange.interval(SyncWindow(), now: now)

    static func rules(_ direction: SyncDirection = .bidirectional, _ policy: ConflictPolicy = .manual) -> SyncRules {
        SyncRules(ref: ref, direction: direction, conflictPolicy: policy, window: window)
    }

    static func at(hours: Double) -> Date { now.addingTimeInterval(hours * 3600) }

    static func entry(
        _ title: String = "Board", start: Double = 24, hours: Double = 1, updated: Double = 0, id: String = "e1"
    ) -> Entry {
        Entry(
            id: EntryID(rawValue: id), tenant: ref.tenant, title: title, start: .instant(at(hours: start)),
            end: .instant(at(hours: start + hours)), updatedAt: at(hours: updated), origin: "local")
    }

    static func event(
        _ title: String = "Board", start: Double = 24, hours: Double = 1, etag: String = "\"1\"", updated: Double = 0,
        id: String = "v1", stamp: OwnershipStamp? = nil
    ) -> VendorEvent {
        VendorEvent(
            id: id, etag: etag, title: title, start: .instant(at(hours: start)), end: .instant(at(hours: start + hours)),
            updatedAt: at(hours: updated), stamp: stamp)
    }

    /// A mapping synced when both sides were `entry` and `event`.
    static func mapping(
        _ entry: Entry = entry(), _ event: VendorEvent = event(), status: MappingStatus = .synced,
        resolution: ConflictResolution? = nil, attempt: String? = nil
    ) -> Mapping {
        Mapping(
            id: MappingID(rawValue: "m1"), ref: ref, entryID: entry.id, vendorEventID: event.id, etag: event.etag,
            localHash: ContentHash.of(entry), remoteHash: ContentHash.of(event), status: status, version: 1,
            resolution: resolution, attempt: attempt)
    }

    static var stamp: OwnershipStamp { OwnershipStamp(tenant: ref.tenant, provider: ref.provider, mapping: "m1") }
}
