import CalsyncModel
import Foundation

/// The plan as JSON for machines and for `--out FILE`: stable key order, ISO 8601 dates.
///
/// Keys are sorted, the output is indented and slashes are not escaped; `createdAt` reads
/// `2026-11-24T10:00:00Z`. Optional values are left out when absent: `blastRadius` appears on `delete`
/// actions only, and a field change's `from` or `to` is missing when the field was unset. `decode` reads
/// the output back to an equal plan.
public enum PlanJSONView {
    /// Renders `plan` as pretty-printed JSON ending with a newline.
    ///
    /// - Parameter plan: The plan.
    /// - Throws: `EncodingError` only if a value cannot be represented in JSON, which a plan never holds.
    public static func render(_ plan: Plan) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(plan), as: UTF8.self) + "\n"
    }

    /// Reads a plan saved with `render`, for `apply FILE`.
    ///
    /// - Parameter data: The file's bytes.
    /// - Returns: The plan, equal to the one rendered.
    /// - Throws: `DecodingError` when the data is not a plan.
    public static func decode(_ data: Data) throws -> Plan {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(Plan.self, from: data)
    }
}
