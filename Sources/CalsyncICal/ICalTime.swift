import Foundation

/// A start or end of an imported instance or exported event: an instant, or a date for all-day.
///
/// All-day ends are exclusive: a one-day entry on the 24th ends on the 25th.
public enum ICalTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// A point on the UTC timeline.
    case instant(Date)
    /// A calendar date, for all-day entries.
    case allDay(CivilDate)

    /// Whether this is an all-day date.
    public var isAllDay: Bool {
        if case .allDay = self { return true }
        return false
    }

    /// The instant, reading an all-day date as its midnight in UTC; used only for ordering.
    var sortInstant: Date {
        switch self {
        case .instant(let date): date
        case .allDay(let date): Date(timeIntervalSince1970: Double(date.dayNumber * 86_400))
        }
    }

    /// `YYYYMMDDTHHMMSSZ` for an instant, `YYYYMMDD` for a date.
    public var description: String {
        switch self {
        case .instant(let date): "\(date.utcCivil)Z"
        case .allDay(let date): "\(date)"
        }
    }

    public static func < (lhs: ICalTime, rhs: ICalTime) -> Bool {
        lhs.sortInstant < rhs.sortInstant
    }
}
