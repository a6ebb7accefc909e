import Foundation

/// A stored Microsoft Graph event.
struct GraphEvent: Sendable {
    let id: String
    let calendarID: String
    /// Client-writable fields with `start`/`end` normalised to UTC.
    var fields: [String: JSONValue]
    var changeKey: String
    var isDeleted = false
    var revision: Int
    let created: Date
    var lastModified: Date
    let transactionID: String?
    /// Single-value extended properties by id (ids compare case-insensitively).
    var extendedProperties: [String: (id: String, value: String)] = [:]
    /// Start and end at each revision, to tell whether it was inside a delta window before.
    var history: [(revision: Int, start: Date, end: Date)] = []
    var start: Date
    var end: Date
    /// An occurrence of a series read by its id and not stored: `type` `occurrence`. Once changed it is
    /// stored as an `exception` under the same id.
    var isOccurrence = false

    /// Fields the server owns; values sent by clients are ignored.
    static let serverManagedKeys: Set<String> = [
        "@odata.etag", "@odata.context", "id", "changeKey", "createdDateTime", "lastModifiedDateTime", "iCalUId",
        "webLink", "transactionId", "singleValueExtendedProperties", "type", "seriesMasterId", "organizer",
    ]

    /// `W/"changeKey"`.
    var etag: String {
        "W/\"\(changeKey)\""
    }

    /// The start/end window at `revision` (the latest version not newer than it).
    func span(atRevision revision: Int) -> (start: Date, end: Date)? {
        history.last { $0.revision <= revision }.map { ($0.start, $0.end) }
    }

    /// The resource as Graph returns it; `expanding` names extended properties to include.
    func resource(userID: String, expanding propertyIDs: [String]?) -> JSONValue {
        var object = fields
        object["@odata.etag"] = .string(etag)
        object["id"] = .string(id)
        object["changeKey"] = .string(changeKey)
        object["createdDateTime"] = .string(DateFormats.graphTimestamp(created))
        object["lastModifiedDateTime"] = .string(DateFormats.graphTimestamp(lastModified))
        object["start"] = ["dateTime": .string(DateFormats.graphDateTime(start)), "timeZone": "UTC"]
        object["end"] = ["dateTime": .string(DateFormats.graphDateTime(end)), "timeZone": "UTC"]
        object["iCalUId"] = .string("040000008200E00074C5B7101A82E008" + id.suffix(16))
        if isOccurrence {
            object["type"] = "occurrence"
        } else if fields["seriesMasterId"] != nil {
            object["type"] = "exception"
        } else {
            object["type"] = fields["recurrence"].map { $0 == .null ? "singleInstance" : "seriesMaster" } ?? "singleInstance"
        }
        object["isCancelled"] = .bool(isDeleted)
        object["webLink"] = .string("https://outlook.office365.com/owa/?itemid=\(id)&exvsurl=1&path=/calendar/item")
        if object["subject"] == nil { object["subject"] = "" }
        if object["isAllDay"] == nil { object["isAllDay"] = false }
        if object["body"] == nil { object["body"] = ["contentType": "html", "content": ""] }
        if let transactionID { object["transactionId"] = .string(transactionID) }
        if let propertyIDs {
            let wanted = Set(propertyIDs.map { $0.lowercased() })
            let matching = extendedProperties.values
                .filter { wanted.contains("*") || wanted.contains($0.id.lowercased()) }
                .sorted { $0.id < $1.id }
                .map { JSONValue.object(["id": .string($0.id), "value": .string($0.value)]) }
            if !matching.isEmpty { object["singleValueExtendedProperties"] = .array(matching) }
        }
        return .object(object)
    }

    /// The series' occurrences overlapping `windowStart`..<`windowEnd`, as calendarView returns them;
    /// `nil` for a single event or an unsupported pattern.
    func occurrences(userID: String, windowStart: Date, windowEnd: Date) -> [(id: String, value: JSONValue)]? {
        guard let rule = GraphRecurrence.rule(fields["recurrence"]) else { return nil }
        let utc = TimeZone(secondsFromGMT: 0) ?? .current
        let duration = end.timeIntervalSince(start)
        guard case .object(var base) = resource(userID: userID, expanding: nil) else { return nil }
        base["type"] = "occurrence"
        base["seriesMasterId"] = .string(id)
        base["recurrence"] = .null
        return rule.occurrences(from: start, in: utc, before: windowEnd)
            .filter { $0.addingTimeInterval(duration) > windowStart }
            .map { occurrenceStart in
                var object = base
                let occurrenceID = id + "_" + DateFormats.compactUTC(occurrenceStart)
                object["id"] = .string(occurrenceID)
                object["start"] = ["dateTime": .string(DateFormats.graphDateTime(occurrenceStart)), "timeZone": "UTC"]
                object["end"] = [
                    "dateTime": .string(DateFormats.graphDateTime(occurrenceStart.addingTimeInterval(duration))),
                    "timeZone": "UTC",
                ]
                return (occurrenceID, JSONValue.object(object))
            }
    }

    /// Reads a Graph `dateTimeTimeZone` as an instant.
    static func instant(of value: JSONValue?) -> Date? {
        guard let value, let text = value["dateTime"]?.stringValue else { return nil }
        let zoneName = value["timeZone"]?.stringValue ?? "UTC"
        guard let zone = TimeZone(identifier: zoneName) else { return nil }
        return DateFormats.parseLocal(text, in: zone) ?? DateFormats.parseRFC3339(text)
    }
}
