/// An RRULE value (RFC 5545 section 3.3.10), validated against the RFC's ranges and its
/// table of which BY rules each frequency allows.
///
/// Rules are only made by parsing, so every rule that exists is valid.
public struct RecurrenceRule: Sendable, Equatable {
    /// How often the rule repeats.
    public enum Frequency: String, Sendable, CaseIterable, Comparable {
        /// Every `INTERVAL` seconds.
        case secondly = "SECONDLY"
        /// Every `INTERVAL` minutes.
        case minutely = "MINUTELY"
        /// Every `INTERVAL` hours.
        case hourly = "HOURLY"
        /// Every `INTERVAL` days.
        case daily = "DAILY"
        /// Every `INTERVAL` weeks, weeks starting on `WKST`.
        case weekly = "WEEKLY"
        /// Every `INTERVAL` months.
        case monthly = "MONTHLY"
        /// Every `INTERVAL` years.
        case yearly = "YEARLY"

        private var rank: Int { Frequency.allCases.firstIndex(of: self) ?? 0 }

        public static func < (lhs: Frequency, rhs: Frequency) -> Bool { lhs.rank < rhs.rank }
    }

    /// A `BYDAY` entry such as `MO`, `2MO` or `-1SU`.
    public struct WeekdayOccurrence: Sendable, Equatable {
        /// The n-th occurrence within the month or year (negative counts from the end), or `nil`
        /// for every such weekday.
        public var ordinal: Int?
        /// The weekday.
        public var weekday: Weekday
    }

    /// The `UNTIL` bound, inclusive.
    public enum Until: Sendable, Equatable {
        /// A DATE: the last day an occurrence may start on.
        case date(CivilDate)
        /// A UTC DATE-TIME: the last instant an occurrence may start at.
        case utc(CivilDateTime)
        /// A floating DATE-TIME, read in the event's own zone.
        case local(CivilDateTime)
    }

    /// `FREQ`.
    public internal(set) var frequency: Frequency
    /// `INTERVAL`, at least 1.
    public internal(set) var interval = 1
    /// `COUNT`; never set together with `until`.
    public internal(set) var count: Int?
    /// `UNTIL`; never set together with `count`.
    public internal(set) var until: Until?
    /// `BYSECOND`, 0 to 60.
    public internal(set) var bySecond: [Int] = []
    /// `BYMINUTE`, 0 to 59.
    public internal(set) var byMinute: [Int] = []
    /// `BYHOUR`, 0 to 23.
    public internal(set) var byHour: [Int] = []
    /// `BYDAY`.
    public internal(set) var byDay: [WeekdayOccurrence] = []
    /// `BYMONTHDAY`, ±1 to ±31.
    public internal(set) var byMonthDay: [Int] = []
    /// `BYYEARDAY`, ±1 to ±366.
    public internal(set) var byYearDay: [Int] = []
    /// `BYWEEKNO`, ±1 to ±53.
    public internal(set) var byWeekNo: [Int] = []
    /// `BYMONTH`, 1 to 12.
    public internal(set) var byMonth: [Int] = []
    /// `BYSETPOS`, ±1 to ±366.
    public internal(set) var bySetPos: [Int] = []
    /// `WKST`, Monday unless given.
    public internal(set) var weekStart = Weekday.monday

    /// Creates a rule repeating at `frequency`; `parse(_:)` sets and validates the other parts.
    init(frequency: Frequency) {
        self.frequency = frequency
    }

    /// Whether the rule names hours, minutes or seconds, which an all-day event cannot have.
    var hasTimeParts: Bool {
        !bySecond.isEmpty || !byMinute.isEmpty || !byHour.isEmpty || frequency < .daily
    }
}

// MARK: - Parsing

extension RecurrenceRule {
    /// Reads an RRULE value such as `FREQ=MONTHLY;BYDAY=-1SU;COUNT=3`.
    ///
    /// `X-` parts are ignored; any other unknown part, a missing `FREQ`, a value out of the
    /// RFC's range, `COUNT` with `UNTIL`, or a BY rule the frequency does not allow is refused.
    static func parse(_ text: String) throws(ValueProblem) -> RecurrenceRule {
        var frequency: Frequency?
        var seen: Set<String> = []
        var parts: [(name: String, value: String)] = []
        for part in text.split(separator: ";", omittingEmptySubsequences: true) {
            let pieces = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard pieces.count == 2 else { throw bad(text, "\"\(part)\" is not NAME=VALUE") }
            let name = pieces[0].uppercased()
            let value = pieces[1].uppercased()
            guard !seen.contains(name) else { throw bad(text, "\(name) appears twice") }
            seen.insert(name)
            if name == "FREQ" {
                guard let parsed = Frequency(rawValue: value) else {
                    throw bad(text, "FREQ is one of SECONDLY, MINUTELY, HOURLY, DAILY, WEEKLY, MONTHLY, YEARLY")
                }
                frequency = parsed
            } else {
                parts.append((name, value))
            }
        }
        guard let frequency else { throw bad(text, "FREQ is required") }
        var rule = RecurrenceRule(frequency: frequency)
        for (name, value) in parts {
            try rule.apply(name: name, value: value, text: text)
        }
        try rule.validate(text: text)
        return rule
    }

    private mutating func apply(name: String, value: String, text: String) throws(ValueProblem) {
        switch name {
        case "INTERVAL": interval = try Self.integer(value, in: 1...100_000, part: name, text: text)
        case "COUNT": count = try Self.integer(value, in: 1...1_000_000, part: name, text: text)
        case "UNTIL": until = try Self.parseUntil(value, text: text)
        case "BYSECOND": bySecond = try Self.list(value, in: 0...60, part: name, text: text)
        case "BYMINUTE": byMinute = try Self.list(value, in: 0...59, part: name, text: text)
        case "BYHOUR": byHour = try Self.list(value, in: 0...23, part: name, text: text)
        case "BYMONTHDAY": byMonthDay = try Self.signedList(value, limit: 31, part: name, text: text)
        case "BYYEARDAY": byYearDay = try Self.signedList(value, limit: 366, part: name, text: text)
        case "BYWEEKNO": byWeekNo = try Self.signedList(value, limit: 53, part: name, text: text)
        case "BYMONTH": byMonth = try Self.list(value, in: 1...12, part: name, text: text)
        case "BYSETPOS": bySetPos = try Self.signedList(value, limit: 366, part: name, text: text)
        case "BYDAY": byDay = try Self.parseByDay(value, text: text)
        case "WKST":
            guard let day = Weekday(code: value) else { throw Self.bad(text, "WKST is a weekday code such as MO") }
            weekStart = day
        default:
            guard name.hasPrefix("X-") else { throw Self.bad(text, "\(name) is not an RRULE part") }
        }
    }

    private func validate(text: String) throws(ValueProblem) {
        if count != nil, until != nil {
            throw Self.bad(text, "COUNT and UNTIL must not both be given")
        }
        if !byWeekNo.isEmpty, frequency != .yearly {
            throw Self.bad(text, "BYWEEKNO is only allowed with FREQ=YEARLY")
        }
        if !byYearDay.isEmpty, [.daily, .weekly, .monthly].contains(frequency) {
            throw Self.bad(text, "BYYEARDAY is not allowed with FREQ=DAILY, WEEKLY or MONTHLY")
        }
        if !byMonthDay.isEmpty, frequency == .weekly {
            throw Self.bad(text, "BYMONTHDAY is not allowed with FREQ=WEEKLY")
        }
        let hasOrdinal = byDay.contains { $0.ordinal != nil }
        if hasOrdinal, frequency != .monthly, frequency != .yearly {
            throw Self.bad(text, "a numbered BYDAY such as 2MO needs FREQ=MONTHLY or YEARLY")
        }
        if hasOrdinal, frequency == .yearly, !byWeekNo.isEmpty {
            throw Self.bad(text, "a numbered BYDAY is not allowed with BYWEEKNO")
        }
        if !bySetPos.isEmpty, bySecond.isEmpty, byMinute.isEmpty, byHour.isEmpty, byDay.isEmpty,
            byMonthDay.isEmpty, byYearDay.isEmpty, byWeekNo.isEmpty, byMonth.isEmpty
        {
            throw Self.bad(text, "BYSETPOS needs another BY rule to select from")
        }
    }

    private static func parseUntil(_ value: String, text: String) throws(ValueProblem) -> Until {
        switch try DateValue.parse(value, tzid: nil, isDate: false) {
        case .date(let date): .date(date)
        case .utc(let civil): .utc(civil)
        case .local(let civil, _): .local(civil)
        }
    }

    private static func parseByDay(_ value: String, text: String) throws(ValueProblem) -> [WeekdayOccurrence] {
        var result: [WeekdayOccurrence] = []
        for item in value.split(separator: ",", omittingEmptySubsequences: false) {
            let code = String(item.suffix(2))
            let prefix = item.dropLast(2)
            guard let weekday = Weekday(code: code) else {
                throw bad(text, "BYDAY entries are weekday codes such as MO, 2MO or -1SU")
            }
            var ordinal: Int?
            if !prefix.isEmpty {
                guard let number = Int(prefix.hasPrefix("+") ? prefix.dropFirst() : prefix), number != 0,
                    (-53...53).contains(number)
                else { throw bad(text, "a BYDAY ordinal is ±1 to ±53") }
                ordinal = number
            }
            result.append(WeekdayOccurrence(ordinal: ordinal, weekday: weekday))
        }
        return result
    }

    private static func integer(
        _ value: String, in range: ClosedRange<Int>, part: String, text: String
    ) throws(ValueProblem) -> Int {
        guard let number = Int(value), range.contains(number) else {
            throw bad(text, "\(part) is a number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    private static func list(
        _ value: String, in range: ClosedRange<Int>, part: String, text: String
    ) throws(ValueProblem) -> [Int] {
        var numbers: [Int] = []
        for item in value.split(separator: ",", omittingEmptySubsequences: false) {
            numbers.append(try integer(String(item), in: range, part: part, text: text))
        }
        return numbers
    }

    private static func signedList(
        _ value: String, limit: Int, part: String, text: String
    ) throws(ValueProblem) -> [Int] {
        var numbers: [Int] = []
        for item in value.split(separator: ",", omittingEmptySubsequences: false) {
            let digits = item.hasPrefix("+") ? item.dropFirst() : item
            guard let number = Int(digits), number != 0, (-limit...limit).contains(number) else {
                throw bad(text, "\(part) values are ±1 to ±\(limit)")
            }
            numbers.append(number)
        }
        return numbers
    }

    private static func bad(_ text: String, _ why: String) -> ValueProblem {
        ValueProblem(
            code: .badRecurrenceRule, what: "bad RRULE \"\(text)\"", why: why,
            fix: "Correct the rule as in RFC 5545 section 3.3.10")
    }
}
