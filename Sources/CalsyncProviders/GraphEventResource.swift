import CalsyncModel
import Foundation

/// A Microsoft Graph `event` resource, or a delta entry that only names a removed one.
struct GraphEventResource: Decodable {
    struct DateTimeTimeZone: Decodable {
        let dateTime: String
        let timeZone: String?
    }

    struct ItemBody: Decodable {
        let contentType: String?
        let content: String?
    }

    struct Location: Decodable {
        let displayName: String?
    }

    struct ExtendedProperty: Decodable {
        let id: String
        let value: String?
    }

    struct Removed: Decodable {
        let reason: String?
    }

    let id: String
    let etag: String?
    let subject: String?
    let body: ItemBody?
    let location: Location?
    let start: DateTimeTimeZone?
    let end: DateTimeTimeZone?
    let isAllDay: Bool?
    let originalStartTimeZone: String?
    let lastModifiedDateTime: String?
    let seriesMasterId: String?
    let isCancelled: Bool?
    let transactionId: String?
    let singleValueExtendedProperties: [ExtendedProperty]?
    let removed: Removed?

    enum CodingKeys: String, CodingKey {
        case id, subject, body, location, start, end, isAllDay, originalStartTimeZone, lastModifiedDateTime
        case seriesMasterId, isCancelled, transactionId, singleValueExtendedProperties
        case etag = "@odata.etag"
        case removed = "@removed"
    }

    /// The vendor-neutral event.
    ///
    /// The stamp comes from calsync's single-value extended property when the answer carries it, else
    /// from `transactionId` (calendarView delta cannot expand extended properties).
    var vendorEvent: VendorEvent {
        let allDay = isAllDay == true
        let property = singleValueExtendedProperties?.first {
            $0.id.caseInsensitiveCompare(GraphCalendarClient.stampPropertyID) == .orderedSame
        }
        let stamp = property?.value.flatMap(OwnershipStamp.init) ?? transactionId.flatMap(Self.stamp(fromTransactionID:))
        return VendorEvent(
            id: id, etag: etag, isDeleted: isCancelled == true, title: subject ?? "",
            description: body?.content.flatMap { $0.isEmpty ? nil : $0 },
            location: location?.displayName.flatMap { $0.isEmpty ? nil : $0 },
            start: start.flatMap { Self.time($0, allDay: allDay) }, end: end.flatMap { Self.time($0, allDay: allDay) },
            timeZone: allDay ? nil : VendorWire.ianaZone(originalStartTimeZone),
            updatedAt: lastModifiedDateTime.flatMap(VendorWire.timestamp), seriesID: seriesMasterId, stamp: stamp)
    }

    /// The stamp a transaction id was derived from: the part before a trailing `#generation`
    /// (`CalendarClients.idempotencyKey(vendor: .microsoft, …)`), or the whole id.
    static func stamp(fromTransactionID text: String) -> OwnershipStamp? {
        if let hash = text.lastIndex(of: "#"), text[text.index(after: hash)...].allSatisfy(\.isNumber),
            text.index(after: hash) < text.endIndex
        {
            return OwnershipStamp(String(text[..<hash]))
        }
        return OwnershipStamp(text)
    }

    /// An all-day value is the date of its local midnight; a timed one is read in its `timeZone` (UTC
    /// when calsync asked for UTC, as it does).
    private static func time(_ value: DateTimeTimeZone, allDay: Bool) -> EntryTime? {
        if allDay { return DayDate(iso: String(value.dateTime.prefix(10))).map(EntryTime.date) }
        if let instant = VendorWire.timestamp(value.dateTime) { return .instant(instant) }
        let zone = value.timeZone.flatMap(TimeZone.init(identifier:)) ?? VendorWire.utcZone
        return VendorWire.localDateTime(value.dateTime, in: zone).map(EntryTime.instant)
    }

    /// The body of a create (with `transactionId`) or a PATCH: only the fields calsync manages, and the stamp.
    ///
    /// A timed event is written in its IANA time zone when it has one (Graph then records it as
    /// `originalStartTimeZone`), else in UTC; an all-day event is midnight to midnight in UTC.
    static func body(_ draft: EventDraft, transactionID: String?) -> JSONValue {
        let zoneName = draft.start.isDate ? "UTC" : (VendorWire.ianaZone(draft.timeZone) ?? "UTC")
        let zone = TimeZone(identifier: zoneName) ?? VendorWire.utcZone
        var members: [(String, JSONValue)] = [
            ("subject", .string(draft.title)),
            ("body", .object([("contentType", "text"), ("content", .string(draft.description ?? ""))])),
            ("location", .object([("displayName", .string(draft.location ?? ""))])),
            ("start", when(draft.start, zoneName: zoneName, zone: zone)),
            ("end", when(draft.end, zoneName: zoneName, zone: zone)),
            ("isAllDay", .bool(draft.start.isDate)),
            (
                "singleValueExtendedProperties",
                .array([
                    .object([
                        ("id", .string(GraphCalendarClient.stampPropertyID)), ("value", .string(draft.stamp.description)),
                    ])
                ])
            ),
        ]
        if let transactionID { members.append(("transactionId", .string(transactionID))) }
        return .object(members)
    }

    private static func when(_ time: EntryTime, zoneName: String, zone: TimeZone) -> JSONValue {
        let local: String
        switch time {
        case .date(let day): local = "\(day)T00:00:00"
        case .instant(let instant): local = VendorWire.localDateTimeString(instant, in: zone)
        }
        return .object([("dateTime", .string(local)), ("timeZone", .string(zoneName))])
    }
}

/// One page of calendarView delta.
struct GraphDeltaPage: Decodable {
    let value: [GraphEventResource]
    let nextLink: String?
    let deltaLink: String?

    enum CodingKeys: String, CodingKey {
        case value
        case nextLink = "@odata.nextLink"
        case deltaLink = "@odata.deltaLink"
    }
}

/// An event collection page.
struct GraphEventsPage: Decodable {
    let value: [GraphEventResource]
}

/// A calendar resource.
struct GraphCalendarResource: Decodable {
    let id: String
    let name: String?
}

/// A subscription resource.
struct GraphSubscriptionResource: Decodable {
    let id: String
    let expirationDateTime: String
}
