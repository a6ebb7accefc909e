import Foundation

/// A stored Google Calendar event: the client's fields plus the server-managed ones.
struct GoogleEvent: Sendable {
    let id: String
    let calendarID: String
    /// Client-writable fields as last written (no server-managed keys).
    var fields: [String: JSONValue]
    var isDeleted = false
    /// The global revision of its last change; orders changes for sync tokens.
    var revision: Int
    let created: Date
    var updated: Date

    /// Fields the server owns; values sent by clients are ignored (`id` is read only on insert).
    static let serverManagedKeys: Set<String> = [
        "kind", "etag", "created", "updated", "htmlLink", "creator", "organizer", "recurringEventId",
        "originalStartTime",
    ]

    /// The etag, which changes with every revision.
    var etag: String {
        "\"\(3_181_160_000_000_000 + revision)\""
    }

    /// The `status` the client set, `confirmed` by default, `cancelled` once deleted.
    var status: String {
        isDeleted ? "cancelled" : (fields["status"]?.stringValue ?? "confirmed")
    }

    /// The recurrence lines, empty for single events.
    var recurrence: [String] {
        fields["recurrence"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    /// The value of private (or shared) extended property `name`.
    func extendedProperty(_ scope: String, _ name: String) -> String? {
        fields["extendedProperties"]?[scope]?[name]?.stringValue
    }

    /// The start and end instants, read in `zone` where the event gives no offset.
    func span(defaultZone zone: TimeZone) -> EventSpan? {
        guard let start = fields["start"].flatMap({ EventSpan.instant(of: $0, defaultZone: zone) }),
            let end = fields["end"].flatMap({ EventSpan.instant(of: $0, defaultZone: zone) })
        else { return nil }
        return EventSpan(start: start.date, end: end.date, isAllDay: start.isAllDay, zone: start.zone)
    }

    /// The full resource as events.get returns it.
    func resource(calendar: CalendarRecord, ownerEmail: String) -> JSONValue {
        if isDeleted {
            var tombstone: [String: JSONValue] = ["kind": "calendar#event", "etag": .string(etag), "id": .string(id), "status": "cancelled"]
            // A cancelled exception still names its series and the instance it replaced.
            for key in ["recurringEventId", "originalStartTime"] { tombstone[key] = fields[key] }
            return .object(tombstone)
        }
        var object = fields
        object["kind"] = "calendar#event"
        object["etag"] = .string(etag)
        object["id"] = .string(id)
        object["status"] = .string(status)
        object["created"] = .string(DateFormats.rfc3339(created))
        object["updated"] = .string(DateFormats.rfc3339(updated))
        object["htmlLink"] = .string("https://www.google.com/calendar/event?eid=\(id)")
        object["creator"] = ["email": .string(ownerEmail), "self": true]
        object["organizer"] = ["email": .string(calendar.id), "displayName": .string(calendar.name), "self": true]
        if object["iCalUID"] == nil { object["iCalUID"] = .string("\(id)@google.com") }
        if object["sequence"] == nil { object["sequence"] = 0 }
        if object["eventType"] == nil { object["eventType"] = "default" }
        if object["reminders"] == nil { object["reminders"] = ["useDefault": true] }
        return .object(object)
    }
}
