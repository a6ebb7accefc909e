import CalsyncModel
import Foundation

/// URL, JSON and time helpers shared by the Google and Graph calendar clients.
enum VendorWire {
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `text` with everything but RFC 3986 unreserved characters percent-encoded.
    static func escape(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? ""
    }

    /// `base` + `/` + each segment, percent-encoded, + the query, percent-encoded.
    static func url(_ base: URL, _ segments: [String], query: [(String, String)] = []) -> URL {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        for segment in segments {
            // `$` keeps Graph's `$batch` readable; it is a sub-delimiter, allowed in a path.
            text += "/" + (segment == "$batch" ? segment : escape(segment))
        }
        if !query.isEmpty {
            text += "?" + query.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
        }
        return URL(string: text) ?? base
    }

    /// A JSON request body.
    static func body(_ json: JSONValue) -> Data { Data(json.rendered().utf8) }

    /// Whether `link` (a vendor's next or delta link) points at the same scheme, host and port as `base`,
    /// so the bearer token is not sent anywhere else.
    static func isSameOrigin(_ link: URL, as base: URL) -> Bool {
        link.scheme?.lowercased() == base.scheme?.lowercased() && link.host?.lowercased() == base.host?.lowercased()
            && link.port == base.port
    }

    /// Decodes a 2xx body, or throws `CalendarClientError.malformedResponse` naming what was expected.
    static func decode<T: Decodable>(_ type: T.Type, from response: HTTPResponse, what: String) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: response.body)
        } catch {
            throw CalendarClientError.malformedResponse(
                "the vendor answered with a body that is not \(what) (\(response)). Check the configured endpoint.")
        }
    }

    // MARK: - Time

    private static let utc = TimeZone(identifier: "UTC") ?? TimeZone(secondsFromGMT: 0) ?? .current

    /// Parses an RFC 3339 timestamp with any number of fractional digits (Graph sends seven).
    static func timestamp(_ text: String) -> Date? {
        if let date = RFC3339.date(text) { return date }
        guard let dot = text.firstIndex(of: ".") else { return nil }
        let digits = text[text.index(after: dot)...].prefix { $0.isNumber }
        let rest = text[text.index(after: dot)...].dropFirst(digits.count)
        let fraction = digits.prefix(3).padding(toLength: 3, withPad: "0", startingAt: 0)
        return RFC3339.date(String(text[..<dot]) + "." + fraction + rest)
    }

    /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction]` without an offset as a local time in `zone`.
    static func localDateTime(_ text: String, in zone: TimeZone) -> Date? {
        let chars = Array(text.utf8)
        guard chars.count >= 19, chars[4] == UInt8(ascii: "-"), chars[7] == UInt8(ascii: "-"),
            chars[10] == UInt8(ascii: "T"), chars[13] == UInt8(ascii: ":"), chars[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: chars[range], as: UTF8.self)) }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
            let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19)
        else { return nil }
        var fraction = 0.0
        if chars.count > 20, chars[19] == UInt8(ascii: ".") {
            let digits = chars[20...].prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            guard 20 + digits.count == chars.count else { return nil }
            fraction = Double("0." + String(decoding: digits, as: UTF8.self)) ?? 0
        } else if chars.count != 19 {
            return nil
        }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let components = DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        return calendar.date(from: components).map { $0.addingTimeInterval(fraction) }
    }

    /// `YYYY-MM-DDTHH:MM:SS` of `date` as a local time in `zone`.
    static func localDateTimeString(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0, c.hour ?? 0, c.minute ?? 0,
            c.second ?? 0)
    }

    /// `zone` when it names an IANA time zone (`Europe/Berlin`, `UTC`), nil for Windows names and the like.
    static func ianaZone(_ zone: String?) -> String? {
        guard let zone, zone == "UTC" || zone.contains("/"), !zone.contains(":"), TimeZone(identifier: zone) != nil
        else { return nil }
        return zone
    }

    /// The UTC time zone.
    static var utcZone: TimeZone { utc }

    /// Whether an event from `start` to `end` overlaps `window` (all-day dates read as UTC midnight).
    static func overlaps(start: EntryTime?, end: EntryTime?, window: DateInterval) -> Bool {
        guard let start, let end else { return true }
        return start.orderingInstant < window.end && end.orderingInstant > window.start
    }
}
