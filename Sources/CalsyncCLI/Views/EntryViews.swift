import CalsyncModel
import CalsyncStatus

/// `entries list -o table`.
enum EntryTable {
    static func render(_ entries: [Entry]) -> String {
        guard !entries.isEmpty else { return "No entries." }
        let header = ["ID", "START", "END", "TITLE", "VERSION", "ORIGIN"]
        let rows = entries.map { [$0.id.rawValue, $0.start.description, $0.end.description, $0.title, "\($0.version)", $0.origin] }
        return TextTable.render(header: header, rows: rows)
    }
}
