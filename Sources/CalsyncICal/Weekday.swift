/// A day of the week, spelled as in iCalendar (`SU` … `SA`).
public enum Weekday: Int, Sendable, Hashable, CaseIterable, Comparable {
    case sunday = 0, monday, tuesday, wednesday, thursday, friday, saturday

    /// The two-letter iCalendar code, such as `MO`.
    public var code: String {
        switch self {
        case .sunday: "SU"
        case .monday: "MO"
        case .tuesday: "TU"
        case .wednesday: "WE"
        case .thursday: "TH"
        case .friday: "FR"
        case .saturday: "SA"
        }
    }

    /// The weekday for a two-letter iCalendar code, or `nil` when it is not one.
    public init?(code: String) {
        guard let day = Weekday.allCases.first(where: { $0.code == code }) else { return nil }
        self = day
    }

    /// How many days after `start` this weekday comes, from 0 to 6.
    func days(after start: Weekday) -> Int {
        (rawValue - start.rawValue + 7) % 7
    }

    public static func < (lhs: Weekday, rhs: Weekday) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
