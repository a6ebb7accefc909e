import CalsyncModel

/// Entries as the HTTP API and `entries list -o json` write them.
public enum EntryJSON {
    /// One entry: `{id, title, description, location, start, end, allDay, timeZone, version, updatedAt, origin}`.
    public static func entry(_ entry: Entry) -> JSONValue {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return .object([
            ("id", .string(entry.id.rawValue)), ("title", .string(entry.title)), ("description", text(entry.description)),
            ("location", text(entry.location)), ("start", .string(entry.start.description)),
            ("end", .string(entry.end.description)), ("allDay", .bool(entry.isAllDay)), ("timeZone", text(entry.timeZone)),
            ("version", .int(entry.version)), ("updatedAt", .string(StatusYAML.timestamp(entry.updatedAt))),
            ("origin", .string(entry.origin)),
        ])
    }

    /// `{"entries": [...]}`.
    public static func list(_ entries: [Entry]) -> JSONValue { .object([("entries", .array(entries.map(entry)))]) }
}
