import CalsyncModel
import CalsyncStatus

/// Entries as the HTTP API and `entries list -o json` write them.
enum EntryJSON {
    static func entry(_ entry: Entry) -> JSONValue {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return .object([
            ("id", .string(entry.id.rawValue)), ("title", .string(entry.title)), ("description", text(entry.description)),
            ("location", text(entry.location)), ("start", .string(entry.start.description)),
            ("end", .string(entry.end.description)), ("allDay", .bool(entry.isAllDay)), ("timeZone", text(entry.timeZone)),
            ("version", .int(entry.version)), ("updatedAt", .string(StatusYAML.timestamp(entry.updatedAt))),
            ("origin", .string(entry.origin)),
        ])
    }

    static func list(_ entries: [Entry]) -> JSONValue { .object([("entries", .array(entries.map(entry)))]) }
}

/// `entries list -o table`.
enum EntryTable {
    static func render(_ entries: [Entry]) -> String {
        guard !entries.isEmpty else { return "No entries." }
        let header = ["ID", "START", "END", "TITLE", "VERSION", "ORIGIN"]
        let rows = entries.map { [$0.id.rawValue, $0.start.description, $0.end.description, $0.title, "\($0.version)", $0.origin] }
        return TextTable.render(header: header, rows: rows)
    }
}
