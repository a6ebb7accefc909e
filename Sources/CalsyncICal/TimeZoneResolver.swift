import Foundation

/// Turns a `TZID` into a Foundation `TimeZone` from the system tz database.
///
/// In order: an IANA name; a Windows name (see `WindowsTimeZones`); an IANA name at the end
/// of a path-like TZID (`/mozilla.org/20070129_1/Europe/Berlin`); the file's VTIMEZONE for
/// that TZID when it names an IANA zone in `X-LIC-LOCATION` or has one fixed offset. A
/// VTIMEZONE with daylight-saving rules under an unknown name is not read.
struct TimeZoneResolver: Sendable {
    /// What the file's VTIMEZONE for one TZID offers.
    struct Definition: Sendable, Equatable {
        /// `X-LIC-LOCATION`, if written.
        var location: String?
        /// Every `TZOFFSETTO` of its STANDARD and DAYLIGHT parts, in seconds.
        var offsets: Set<Int> = []
    }

    /// The file's VTIMEZONEs by TZID.
    let definitions: [String: Definition]

    /// The zone for `tzid`, or `nil` when none of the rules above applies.
    func zone(for tzid: String) -> TimeZone? {
        let name = tzid.trimmingCharacters(in: .whitespaces)
        if let zone = Self.ianaZone(name) { return zone }
        if let iana = WindowsTimeZones.ianaName(for: name), let zone = TimeZone(identifier: iana) { return zone }
        let components = name.split(separator: "/")
        for length in [3, 2] where components.count > length {
            if let zone = Self.ianaZone(components.suffix(length).joined(separator: "/")) { return zone }
        }
        guard let definition = definitions[tzid] else { return nil }
        if let location = definition.location, let zone = Self.ianaZone(location) { return zone }
        if definition.offsets.count == 1, let offset = definition.offsets.first {
            return TimeZone(secondsFromGMT: offset)
        }
        return nil
    }

    /// Whether the file defines a VTIMEZONE for `tzid`.
    func hasDefinition(for tzid: String) -> Bool {
        definitions[tzid] != nil
    }

    private static func ianaZone(_ name: String) -> TimeZone? {
        if ["UTC", "GMT", "Z", "Etc/UTC", "Etc/GMT"].contains(name) { return .utc }
        guard name.contains("/") else { return nil }
        return TimeZone(identifier: name)
    }

    /// Reads a UTC offset such as `+0100`, `-0530` or `+013045`, in seconds.
    static func parseOffset(_ text: String) -> Int? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard let sign = trimmed.first, sign == "+" || sign == "-" else { return nil }
        let digits = trimmed.dropFirst()
        guard digits.count == 4 || digits.count == 6, digits.allSatisfy(\.isASCII),
            let hours = Int(digits.prefix(2)), let minutes = Int(digits.dropFirst(2).prefix(2))
        else { return nil }
        let seconds = digits.count == 6 ? Int(digits.suffix(2)) ?? 0 : 0
        return (sign == "-" ? -1 : 1) * (hours * 3600 + minutes * 60 + seconds)
    }
}

extension TimeZone {
    /// The UTC zone, named `Etc/UTC`.
    static let utc = TimeZone(identifier: "Etc/UTC") ?? .gmt
}
