import Foundation

/// RFC 3339 timestamps in UTC, formatted and parsed without building a formatter per call.
public enum RFC3339 {
    private static let utc = TimeZone(identifier: "UTC") ?? .current
    private static let seconds = Date.ISO8601FormatStyle(includingFractionalSeconds: false, timeZone: utc)
    private static let fractional = Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: utc)

    /// `2026-11-24T10:00:00Z`.
    public static func string(_ date: Date) -> String { seconds.format(date) }

    /// `2026-11-24T10:00:00.250Z`, for stored timestamps that must round-trip exactly.
    public static func preciseString(_ date: Date) -> String { fractional.format(date) }

    /// Parses an RFC 3339 date-time with any offset, with or without fractional seconds.
    public static func date(_ text: String) -> Date? {
        guard text.count >= 20 else { return nil }
        return try? fractional.parse(text)
    }
}
