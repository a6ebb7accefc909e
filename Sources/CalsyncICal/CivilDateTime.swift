import Foundation

/// A wall-clock date and time with no zone attached.
///
/// Recurrence rules are expanded in civil time, so occurrences keep their wall-clock time
/// across daylight-saving changes; a zone turns them into instants afterwards.
public struct CivilDateTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The date.
    public let date: CivilDate
    /// The hour, from 0 to 23.
    public let hour: Int
    /// The minute, from 0 to 59.
    public let minute: Int
    /// The second, from 0 to 59 (a leap second 60 is read as 59).
    public let second: Int

    /// Creates a date-time, or `nil` when a field is out of range.
    public init?(date: CivilDate, hour: Int, minute: Int, second: Int) {
        guard (0...23).contains(hour), (0...59).contains(minute), (0...60).contains(second) else { return nil }
        self.date = date
        self.hour = hour
        self.minute = minute
        self.second = min(second, 59)
    }

    /// Creates the date-time `seconds` seconds after 1970-01-01T00:00:00 on the civil timeline.
    init(civilSeconds seconds: Int) {
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let rest = seconds - days * 86_400
        self.date = CivilDate(dayNumber: days)
        self.hour = rest / 3600
        self.minute = rest % 3600 / 60
        self.second = rest % 60
    }

    /// Midnight at the start of `date`.
    init(midnightOf date: CivilDate) {
        self.date = date
        self.hour = 0
        self.minute = 0
        self.second = 0
    }

    /// Seconds since 1970-01-01T00:00:00 on the civil timeline (every day has 86,400 seconds).
    var civilSeconds: Int {
        date.dayNumber * 86_400 + hour * 3600 + minute * 60 + second
    }

    /// The date-time as `YYYYMMDDTHHMMSS`, the iCalendar local DATE-TIME form.
    public var description: String {
        "\(date)T" + pad(hour, 2) + pad(minute, 2) + pad(second, 2)
    }

    public static func < (lhs: CivilDateTime, rhs: CivilDateTime) -> Bool {
        lhs.civilSeconds < rhs.civilSeconds
    }
}

// MARK: - Zones

extension TimeZone {
    /// The instant at which clocks in this zone show `local`.
    ///
    /// Follows RFC 5545 section 3.3.5: a local time inside a daylight-saving gap is read with
    /// the offset in force before the gap, and an ambiguous local time (the repeated hour)
    /// means its first occurrence.
    func instant(of local: CivilDateTime) -> Date {
        let seconds = local.civilSeconds
        let offsetBefore = secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds - 86_400)))
        let offsetAfter = secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds + 86_400)))
        let candidates = Set([offsetBefore, offsetAfter]).compactMap { offset -> Int? in
            let instant = seconds - offset
            return secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant))) == offset ? instant : nil
        }
        let instant = candidates.min() ?? seconds - offsetBefore
        return Date(timeIntervalSince1970: Double(instant))
    }

    /// The wall-clock time this zone shows at `instant`.
    func civil(at instant: Date) -> CivilDateTime {
        let seconds = Int(instant.timeIntervalSince1970.rounded(.down))
        return CivilDateTime(civilSeconds: seconds + secondsFromGMT(for: instant))
    }
}

extension Date {
    /// The UTC wall-clock time at this instant.
    var utcCivil: CivilDateTime {
        CivilDateTime(civilSeconds: Int(timeIntervalSince1970.rounded(.down)))
    }
}
