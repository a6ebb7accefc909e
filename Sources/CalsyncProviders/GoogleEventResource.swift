import CalsyncModel
import Foundation

/// A Google Calendar `Event` resource as events.get and events.list return it.
struct GoogleEventResource: Decodable {
    struct When: Decodable {
        let date: String?
        let dateTime: String?
        let timeZone: String?
    }

    struct ExtendedProperties: Decodable {
        let `private`: [String: String]?
    }

    let id: String
    let etag: String?
    let status: String?
    let summary: String?
    let description: String?
    let location: String?
    let start: When?
    let end: When?
    let updated: String?
    let recurringEventId: String?
    let extendedProperties: ExtendedProperties?

    /// The vendor-neutral event; `calendarZone` reads a `dateTime` written without an offset.
    func vendorEvent(calendarZone: String?) -> VendorEvent {
        let zone = calendarZone.flatMap(TimeZone.init(identifier:)) ?? VendorWire.utcZone
        return VendorEvent(
            id: id, etag: etag, isDeleted: status == "cancelled", title: summary ?? "",
            description: description.flatMap { $0.isEmpty ? nil : $0 },
            location: location.flatMap { $0.isEmpty ? nil : $0 },
            start: start.flatMap { Self.time($0, zone: zone) }, end: end.flatMap { Self.time($0, zone: zone) },
            timeZone: start?.dateTime != nil ? VendorWire.ianaZone(start?.timeZone) : nil,
            updatedAt: updated.flatMap(VendorWire.timestamp), seriesID: recurringEventId,
            stamp: extendedProperties?.private?[GoogleCalendarClient.stampProperty].flatMap(OwnershipStamp.init))
    }

    private static func time(_ when: When, zone: TimeZone) -> EntryTime? {
        if let date = when.date { return DayDate(iso: date).map(EntryTime.date) }
        guard let text = when.dateTime else { return nil }
        if let instant = VendorWire.timestamp(text) { return .instant(instant) }
        let local = when.timeZone.flatMap(TimeZone.init(identifier:)) ?? zone
        return VendorWire.localDateTime(text, in: local).map(EntryTime.instant)
    }

    /// The body of an insert (with `id`) or a patch (`isPatch`: absent optional fields are sent as
    /// `null`, which clears them, and the other kind of start/end value is cleared).
    static func body(_ draft: EventDraft, id: String?, isPatch: Bool) -> JSONValue {
        var members: [(String, JSONValue)] = []
        if let id { members.append(("id", .string(id))) }
        members.append(("summary", .string(draft.title)))
        if let description = draft.description {
            members.append(("description", .string(description)))
        } else if isPatch {
            members.append(("description", .null))
        }
        if let location = draft.location {
            members.append(("location", .string(location)))
        } else if isPatch {
            members.append(("location", .null))
        }
        members.append(("start", when(draft.start, zone: draft.timeZone, isPatch: isPatch)))
        members.append(("end", when(draft.end, zone: draft.timeZone, isPatch: isPatch)))
        members.append(
            (
                "extendedProperties",
                .object([("private", .object([(GoogleCalendarClient.stampProperty, .string(draft.stamp.description))]))])
            ))
        return .object(members)
    }

    private static func when(_ time: EntryTime, zone: String?, isPatch: Bool) -> JSONValue {
        switch time {
        case .date(let day):
            var members: [(String, JSONValue)] = [("date", .string(day.description))]
            if isPatch { members += [("dateTime", .null), ("timeZone", .null)] }
            return .object(members)
        case .instant(let instant):
            var members: [(String, JSONValue)] = [("dateTime", .string(RFC3339.string(instant)))]
            if let zone {
                members.append(("timeZone", .string(zone)))
            } else if isPatch {
                members.append(("timeZone", .null))
            }
            if isPatch { members.append(("date", .null)) }
            return .object(members)
        }
    }
}

/// One page of events.list.
struct GoogleEventsPage: Decodable {
    let items: [GoogleEventResource]?
    let timeZone: String?
    let nextPageToken: String?
    let nextSyncToken: String?
}

/// A calendar resource (`GET /calendars/{id}`).
struct GoogleCalendarResource: Decodable {
    let id: String
    let summary: String?
    let timeZone: String?
}

/// A channel resource (events.watch).
struct GoogleChannelResource: Decodable {
    let id: String
    let resourceId: String
    /// Unix milliseconds, as a string (Google serializes int64 as strings) or a number.
    let expiration: String?

    enum CodingKeys: String, CodingKey { case id, resourceId, expiration }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decode(String.self, forKey: .id)
        resourceId = try container.decode(String.self, forKey: .resourceId)
        if let text = try? container.decodeIfPresent(String.self, forKey: .expiration) {
            expiration = text
        } else {
            expiration = try container.decodeIfPresent(Int64.self, forKey: .expiration).map(String.init)
        }
    }
}
