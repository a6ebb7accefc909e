import Foundation

/// A DTSTART, DTEND, RDATE, EXDATE or RECURRENCE-ID value placed in its zone.
///
/// Floating times are already placed in the file's `X-WR-TIMEZONE` (else UTC).
public enum EventTime: Sendable, Equatable {
    /// A date, for all-day events.
    case date(CivilDate)
    /// A wall-clock time in a zone (UTC for values written with `Z`).
    case dateTime(CivilDateTime, TimeZone)

    /// The value on the timeline: an instant, or the date itself.
    public var time: ICalTime {
        switch self {
        case .date(let date): .allDay(date)
        case .dateTime(let civil, let zone): .instant(zone.instant(of: civil))
        }
    }

    /// Whether this is a date without a time.
    var isDate: Bool {
        if case .date = self { return true }
        return false
    }
}
