import Foundation

/// Turns a `TZID` into a Foundation `TimeZone` from the system tz database.
///
/// In order: an IANA name; a Windows name (see `WindowsTimeZones`); an IANA name at the end
/// of a path-like TZID (`/mozilla.org/20070129_1/Europe/Berlin`); then the file's VTIMEZONE
/// for that TZID: the IANA zone in its `X-LIC-LOCATION`, its single fixed offset, or the IANA
/// zone whose offsets agree with its rules (see `ZoneDefinition.matchingZone()`).
struct TimeZoneResolver: Sendable {
    /// The TZIDs the file defines with a VTIMEZONE.
    private let definedIDs: Set<String>
    /// The zones found for VTIMEZONEs whose TZID is not a zone name by itself.
    private let definedZones: [String: TimeZone]

    /// Creates a resolver for a file's VTIMEZONEs, matching each one that needs it once.
    init(definitions: [String: ZoneDefinition]) {
        definedIDs = Set(definitions.keys)
        var zones: [String: TimeZone] = [:]
        for (tzid, definition) in definitions where Self.namedZone(tzid) == nil {
            if let location = definition.location, let zone = Self.ianaZone(location) {
                zones[tzid] = zone
            } else if definition.offsets.count == 1, let offset = definition.offsets.first,
                let zone = TimeZone(secondsFromGMT: offset)
            {
                zones[tzid] = zone
            } else if let zone = definition.matchingZone() {
                zones[tzid] = zone
            }
        }
        definedZones = zones
    }

    /// The zone for `tzid`, or `nil` when none of the rules above applies.
    func zone(for tzid: String) -> TimeZone? {
        Self.namedZone(tzid) ?? definedZones[tzid]
    }

    /// Whether the file defines a VTIMEZONE for `tzid`.
    func hasDefinition(for tzid: String) -> Bool {
        definedIDs.contains(tzid)
    }

    /// The zone a TZID names by itself: IANA, Windows, or IANA at the end of a path.
    private static func namedZone(_ tzid: String) -> TimeZone? {
        let name = tzid.trimmingCharacters(in: .whitespaces)
        if let zone = ianaZone(name) { return zone }
        if let iana = WindowsTimeZones.ianaName(for: name), let zone = TimeZone(identifier: iana) { return zone }
        let components = name.split(separator: "/")
        for length in [3, 2] where components.count > length {
            if let zone = ianaZone(components.suffix(length).joined(separator: "/")) { return zone }
        }
        return nil
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
