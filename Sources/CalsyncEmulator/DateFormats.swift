import Foundation

/// Parsing and printing of the date formats the two vendors use.
enum DateFormats {
    private static let utc = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .current

    /// The Gregorian calendar in UTC, built once: making calendars is costly on Linux.
    private static let utcCalendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = utc
        return calendar
    }()

    private static func gregorian(in zone: TimeZone) -> Calendar {
        if zone == utc { return utcCalendar }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    /// Parses RFC 3339 (`2026-01-02T10:00:00Z`, `...+02:00`, fractional seconds allowed).
    /// Without an offset the text is read in `defaultZone`, when one is given.
    static func parseRFC3339(_ text: String, defaultZone: TimeZone? = nil) -> Date? {
        guard let local = parseLocal(text) else { return nil }
        let rest = local.rest
        let zone: TimeZone
        if rest.isEmpty {
            guard let defaultZone else { return nil }
            zone = defaultZone
        } else if rest == "Z" || rest == "z" {
            zone = utc
        } else {
            let sign: Int = rest.hasPrefix("-") ? -1 : 1
            let digits = rest.dropFirst().split(separator: ":")
            guard rest.hasPrefix("+") || rest.hasPrefix("-"), digits.count == 2,
                let hours = Int(digits[0]), let minutes = Int(digits[1]),
                let offsetZone = TimeZone(secondsFromGMT: sign * (hours * 3600 + minutes * 60))
            else { return nil }
            zone = offsetZone
        }
        return gregorian(in: zone).date(from: local.components).map { $0.addingTimeInterval(local.fraction) }
    }

    /// Parses a date-time without offset (`2026-01-02T10:00:00.0000000`) in `zone`.
    static func parseLocal(_ text: String, in zone: TimeZone) -> Date? {
        guard let local = parseLocal(text), local.rest.isEmpty || local.rest == "Z" else { return nil }
        return gregorian(in: zone).date(from: local.components).map { $0.addingTimeInterval(local.fraction) }
    }

    /// Parses `yyyy-mm-dd` as midnight in `zone`.
    static func parseDate(_ text: String, in zone: TimeZone) -> Date? {
        let parts = text.split(separator: "-")
        guard text.count == 10, parts.count == 3, let year = Int(parts[0]), let month = Int(parts[1]),
            let day = Int(parts[2])
        else { return nil }
        return gregorian(in: zone).date(from: DateComponents(year: year, month: month, day: day))
    }

    private static func parseLocal(_ text: String) -> (components: DateComponents, fraction: Double, rest: Substring)? {
        let chars = Array(text.utf8)
        guard chars.count >= 19, chars[4] == UInt8(ascii: "-"), chars[7] == UInt8(ascii: "-"),
            chars[10] == UInt8(ascii: "T") || chars[10] == UInt8(ascii: "t"),
            chars[13] == UInt8(ascii: ":"), chars[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: chars[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var index = 19
        var fraction = 0.0
        if index < chars.count, chars[index] == UInt8(ascii: ".") {
            var end = index + 1
            while end < chars.count, chars[end] >= UInt8(ascii: "0"), chars[end] <= UInt8(ascii: "9") { end += 1 }
            fraction = Double("0" + String(decoding: chars[index..<end], as: UTF8.self)) ?? 0
            index = end
        }
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        let restStart = text.utf8.index(text.utf8.startIndex, offsetBy: index)
        return (components, fraction, text[restStart...])
    }

    /// Formats as RFC 3339 UTC with milliseconds, as Google prints `updated`.
    static func rfc3339(_ date: Date) -> String {
        let calendar = gregorian(in: utc)
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        let millis = (c.nanosecond ?? 0) / 1_000_000
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0,
            c.minute ?? 0, c.second ?? 0, millis)
    }

    /// Formats as RFC 3339 UTC without fractional seconds.
    static func rfc3339Seconds(_ date: Date) -> String {
        let c = gregorian(in: utc).dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0,
            c.minute ?? 0, c.second ?? 0)
    }

    /// Formats as Graph's `dateTimeTimeZone.dateTime` in UTC (`2026-01-02T10:00:00.0000000`).
    static func graphDateTime(_ date: Date) -> String {
        let c = gregorian(in: utc).dateComponents([.year, .month, .day, .hour, .minute, .second, .nanosecond], from: date)
        let ticks = (c.nanosecond ?? 0) / 100
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%07d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0,
            c.minute ?? 0, c.second ?? 0, ticks)
    }

    /// Formats as Graph's ISO 8601 UTC timestamps (`2026-01-02T10:00:00.1234567Z`).
    static func graphTimestamp(_ date: Date) -> String {
        graphDateTime(date) + "Z"
    }

    /// Formats as an RFC 1123 HTTP date (`Tue, 19 Nov 2013 01:13:52 GMT`).
    static func httpDate(_ date: Date) -> String {
        let calendar = gregorian(in: utc)
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second, .weekday], from: date)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let weekday = days[((c.weekday ?? 1) - 1) % 7]
        let month = months[((c.month ?? 1) - 1) % 12]
        return String(
            format: "%@, %02d %@ %04d %02d:%02d:%02d GMT", weekday, c.day ?? 0, month, c.year ?? 0, c.hour ?? 0,
            c.minute ?? 0, c.second ?? 0)
    }

    /// Formats the compact UTC form used in recurring-instance ids (`20260102T100000Z`).
    static func compactUTC(_ date: Date) -> String {
        let c = gregorian(in: utc).dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d%02d%02dT%02d%02d%02dZ", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0,
            c.second ?? 0)
    }

    /// Formats `yyyy-mm-dd` in `zone`.
    static func dateOnly(_ date: Date, in zone: TimeZone) -> String {
        let c = gregorian(in: zone).dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    /// Formats RFC 3339 with the offset of `zone` at that instant.
    static func rfc3339(_ date: Date, in zone: TimeZone) -> String {
        let c = gregorian(in: zone).dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let offset = zone.secondsFromGMT(for: date)
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(offset)
        let base = String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0,
            c.minute ?? 0, c.second ?? 0)
        if offset == 0 { return base + "Z" }
        return base + String(format: "%@%02d:%02d", sign, magnitude / 3600, (magnitude % 3600) / 60)
    }
}
