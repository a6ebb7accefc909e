import CalsyncModel
import CalsyncStatus

/// `conflicts list -o json`: `{"conflicts": [{mapping, tenant, provider, entry, externalId, detectedAt, local, external}]}`.
enum ConflictJSON {
    static func list(_ conflicts: [ConflictRecord]) -> JSONValue {
        .object([("conflicts", .array(conflicts.map(conflict)))])
    }

    static func conflict(_ conflict: ConflictRecord) -> JSONValue {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return .object([
            ("mapping", .string(conflict.mapping.rawValue)), ("tenant", .string(conflict.ref.tenant.rawValue)),
            ("provider", .string(conflict.ref.provider.rawValue)), ("entry", text(conflict.entryID?.rawValue)),
            ("externalId", text(conflict.externalID)), ("detectedAt", .string(StatusYAML.timestamp(conflict.detectedAt))),
            ("local", conflict.local.map(version) ?? .null), ("external", conflict.external.map(version) ?? .null),
        ])
    }

    /// One side, with the fields calsync manages; `null` for a deleted side.
    static func version(_ version: EventVersion) -> JSONValue {
        func text(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        return .object([
            ("title", .string(version.title)), ("description", text(version.description)), ("location", text(version.location)),
            ("start", .string(version.start)), ("end", .string(version.end)), ("allDay", .bool(version.allDay)),
            ("timeZone", text(version.timeZone)), ("updatedAt", text(version.updatedAt.map(StatusYAML.timestamp))),
        ])
    }
}

/// `conflicts list -o table`: one block per conflict, both versions side by side, differing fields marked `*`.
enum ConflictText {
    static func render(_ conflicts: [ConflictRecord]) -> String {
        guard !conflicts.isEmpty else { return "No conflicts." }
        return conflicts.map(block).joined(separator: "\n\n")
    }

    static func block(_ conflict: ConflictRecord) -> String {
        let heading = "mapping \(conflict.mapping)  \(conflict.ref)  entry \(conflict.entryID?.rawValue ?? "-")  event \(conflict.externalID ?? "-")  detected \(StatusYAML.timestamp(conflict.detectedAt))"
        let local = fields(conflict.local)
        let external = fields(conflict.external)
        var rows: [[String]] = []
        for (index, name) in fieldNames.enumerated() {
            let mark = local[index] == external[index] || name == "updated" ? " " : "*"
            rows.append([mark + " " + name, local[index], external[index]])
        }
        return heading + "\n" + TextTable.render(header: ["  FIELD", "LOCAL", "EXTERNAL"], rows: rows)
    }

    static let fieldNames = ["title", "start", "end", "all-day", "time zone", "location", "description", "updated"]

    static func fields(_ version: EventVersion?) -> [String] {
        guard let version else { return ["(deleted)"] + Array(repeating: "", count: fieldNames.count - 1) }
        func oneLine(_ text: String?) -> String {
            guard let text, !text.isEmpty else { return "-" }
            return text.replacingOccurrences(of: "\r\n", with: " / ").replacingOccurrences(of: "\n", with: " / ")
        }
        return [
            oneLine(version.title), version.start, version.end, version.allDay ? "yes" : "no", version.timeZone ?? "-",
            oneLine(version.location), oneLine(version.description), version.updatedAt.map(StatusYAML.timestamp) ?? "-",
        ]
    }
}
