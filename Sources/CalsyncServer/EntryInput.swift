import CalsyncModel
import Foundation

/// An entry as the HTTP API takes it: `POST` a whole entry without `id`/`version`, `PATCH` only the
/// fields to change. Times are RFC 3339 instants or dates (all-day, `end` exclusive).
struct EntryInput: Sendable {
    /// The fields an entry body may hold.
    static let fields: Set<String> = ["title", "description", "location", "start", "end", "allDay", "timeZone"]

    var changes: EntryChanges
    var allDay: Bool?

    /// Parses a JSON object body.
    ///
    /// - Throws: `APIError.badRequest` naming the field that is unknown, of the wrong type, or not a time.
    static func parse(_ body: Data) throws -> EntryInput {
        guard let object = JSONInput.parse(body)?.objectValue else {
            throw APIError.badRequest("the body is not a JSON object. Send an entry such as {\"title\": ..., \"start\": ..., \"end\": ...}.")
        }
        for key in object.keys.sorted() where !fields.contains(key) {
            if key == "id" || key == "version" || key == "updatedAt" || key == "origin" {
                throw APIError.badRequest("\"\(key)\" is set by the server. Leave it out of the body (use If-Match for the version).")
            }
            throw APIError.badRequest("unknown field \"\(key)\". The fields are \(fields.sorted().joined(separator: ", ")).")
        }
        func text(_ key: String) throws -> String? {
            guard let value = object[key] else { return nil }
            guard let string = value.stringValue else {
                throw APIError.badRequest("\"\(key)\" must be a string\(value == .null ? " (null cannot clear a field; send \"\" instead)" : "").")
            }
            return string
        }
        func time(_ key: String) throws -> EntryTime? {
            guard let raw = try text(key) else { return nil }
            guard let time = EntryTime(parsing: raw) else {
                throw APIError.badRequest("\"\(key)\" \(JSONValue.quoted(raw)) is not a time. Write RFC 3339 (2026-11-24T10:00:00Z) or a date (2026-11-24).")
            }
            return time
        }
        var allDay: Bool?
        if let value = object["allDay"] {
            guard case .bool(let flag) = value else { throw APIError.badRequest("\"allDay\" must be true or false.") }
            allDay = flag
        }
        let changes = EntryChanges(
            title: try text("title"), description: try text("description"), location: try text("location"),
            start: try time("start"), end: try time("end"), timeZone: try text("timeZone"))
        if let allDay {
            for (key, value) in [("start", changes.start), ("end", changes.end)] {
                if let value, value.isDate != allDay {
                    throw APIError.badRequest("\"allDay\" is \(allDay) but \"\(key)\" is \(allDay ? "an instant" : "a date"). Write dates for all-day entries, instants otherwise.")
                }
            }
        }
        return EntryInput(changes: changes, allDay: allDay)
    }
}
