import Foundation

extension RecurrenceRule {
    /// The most periods (years, months, weeks, days, hours, minutes or seconds) one expansion
    /// may step through before the rule is refused as runaway.
    static let periodLimit = 1_000_000
    /// The most occurrences one rule may produce inside the expansion window.
    static let occurrenceLimit = 100_000

    /// The occurrence starts of this rule that fall inside `window`, in civil time, ascending.
    ///
    /// Follows RFC 5545 section 3.3.10: the rule is stepped period by period (`FREQ` times
    /// `INTERVAL`); in each period the BY rules expand or limit the candidate days and times
    /// as the RFC's table says; `BYSETPOS` picks from each period's sorted candidates. Days
    /// that do not exist (February 30) are never produced. `start` (DTSTART) is always the
    /// first occurrence and counts toward `COUNT`, even when it lies before the window.
    ///
    /// - Parameters:
    ///   - start: The event's DTSTART on the wall clock of `zone`.
    ///   - window: Civil bounds, inclusive, of the occurrences to return.
    ///   - zone: The event's zone, used to compare against a UTC `UNTIL`.
    /// - Returns: The occurrence starts inside `window`.
    /// - Throws: `ValueProblem` with code `runawayRecurrence` when the limits are exceeded.
    func occurrences(
        start: CivilDateTime, window: ClosedRange<CivilDateTime>, zone: TimeZone
    ) throws(ValueProblem) -> [CivilDateTime] {
        let stepper = PeriodStepper(rule: self, start: start)
        var result: [CivilDateTime] = []
        if window.contains(start) { result.append(start) }
        var counted = 1
        var index = count == nil ? stepper.periodIndex(before: window.lowerBound) : 0
        var steps = 0
        stepping: while true {
            steps += 1
            guard steps <= Self.periodLimit else { throw runaway("it needs more than \(Self.periodLimit) steps") }
            guard let period = stepper.period(index) else { break }
            if period.earliest > window.upperBound || isPastUntil(period.earliest, zone: zone) { break }
            let days = stepper.selectedDays(in: period)
            let times = stepper.clockTimes(in: period)
            guard days.count * times.count <= Self.occurrenceLimit else {
                throw runaway("one period has more than \(Self.occurrenceLimit) candidates")
            }
            for candidate in stepper.candidates(days: days, times: times) where candidate > start {
                if isPastUntil(candidate, zone: zone) { break stepping }
                if let count, counted >= count { break stepping }
                counted += 1
                if candidate > window.upperBound { break stepping }
                if candidate >= window.lowerBound {
                    result.append(candidate)
                    guard result.count <= Self.occurrenceLimit else {
                        throw runaway("it has more than \(Self.occurrenceLimit) occurrences in the range")
                    }
                }
            }
            index += 1
        }
        return result
    }

    private func isPastUntil(_ candidate: CivilDateTime, zone: TimeZone) -> Bool {
        switch until {
        case nil: false
        case .date(let date): candidate.date > date
        case .local(let limit): candidate > limit
        case .utc(let limit):
            zone.instant(of: candidate).timeIntervalSince1970 > Double(limit.civilSeconds)
        }
    }

    private func runaway(_ why: String) -> ValueProblem {
        ValueProblem(
            code: .runawayRecurrence, what: "the recurrence rule expands without bound", why: why,
            fix: "Add COUNT or UNTIL, or import a shorter range with --from and --to")
    }
}

/// One step of a rule: the days it may fall on and, below DAILY, its fixed clock fields.
private struct Period {
    /// The days of the period in order, before any BY rule is applied.
    let days: [CivilDate]
    /// The hour fixed by an HOURLY, MINUTELY or SECONDLY frequency, else `nil`.
    let hour: Int?
    /// The minute fixed by a MINUTELY or SECONDLY frequency, else `nil`.
    let minute: Int?
    /// The second fixed by a SECONDLY frequency, else `nil`.
    let second: Int?
    /// Week numbering of the period's year, for `BYWEEKNO`.
    let weeks: WeekNumbering?

    /// The earliest moment an occurrence of this period could have.
    var earliest: CivilDateTime {
        guard let first = days.first else { return CivilDateTime(midnightOf: CivilDate(dayNumber: 0)) }
        return CivilDateTime(date: first, hour: hour ?? 0, minute: minute ?? 0, second: second ?? 0)
            ?? CivilDateTime(midnightOf: first)
    }
}

/// The weeks of one year as `BYWEEKNO` counts them: week 1 is the first week, starting on
/// `WKST`, with at least four days in the year.
private struct WeekNumbering {
    /// The day number on which week 1 starts.
    let firstWeekStart: Int
    /// How many weeks the year has, 52 or 53.
    let weekCount: Int

    init(year: Int, weekStart: Weekday) {
        func week1Start(_ year: Int) -> Int {
            let january1 = CivilDate.firstDayNumber(ofYear: year)
            let offset = CivilDate(dayNumber: january1).weekday.days(after: weekStart)
            return january1 - offset + (7 - offset >= 4 ? 0 : 7)
        }
        firstWeekStart = week1Start(year)
        weekCount = (week1Start(year + 1) - firstWeekStart) / 7
    }

    /// Every day of the year's weeks, which may begin in December and end in January.
    var days: [CivilDate] {
        (firstWeekStart..<(firstWeekStart + weekCount * 7)).map(CivilDate.init(dayNumber:))
    }

    /// Whether `day` lies in a week that `byWeekNo` (±1 to ±53) selects.
    func isSelected(_ day: CivilDate, by byWeekNo: [Int]) -> Bool {
        let week = (day.dayNumber - firstWeekStart) / 7 + 1
        return byWeekNo.contains { $0 == week || weekCount + $0 + 1 == week }
    }
}

/// Steps a rule period by period and lists each period's candidates.
private struct PeriodStepper {
    /// The rule being stepped.
    let rule: RecurrenceRule
    /// DTSTART on the wall clock, which anchors period 0 and supplies default BY values.
    let start: CivilDateTime

    /// Whether no BY rule names days, so the day comes from DTSTART.
    private var usesStartDay: Bool {
        rule.byDay.isEmpty && rule.byMonthDay.isEmpty && rule.byYearDay.isEmpty && rule.byWeekNo.isEmpty
    }

    /// The length in seconds of one sub-daily period.
    private var unitSeconds: Int {
        switch rule.frequency {
        case .hourly: 3600
        case .minutely: 60
        default: 1
        }
    }

    /// The civil second at which sub-daily period 0 starts.
    private var firstSubDailyStart: Int {
        switch rule.frequency {
        case .hourly: start.civilSeconds - start.minute * 60 - start.second
        case .minutely: start.civilSeconds - start.second
        default: start.civilSeconds
        }
    }

    /// The day number on which weekly period 0 starts.
    private var firstWeekStart: Int {
        start.date.dayNumber - start.date.weekday.days(after: rule.weekStart)
    }

    /// A period index safely before `bound`, so expansion may skip the periods in between.
    ///
    /// Only valid without `COUNT`, which must count every occurrence from DTSTART.
    func periodIndex(before bound: CivilDateTime) -> Int {
        let interval = rule.interval
        let units: Int
        switch rule.frequency {
        case .yearly: units = bound.date.year - start.date.year
        case .monthly:
            units = (bound.date.year * 12 + bound.date.month) - (start.date.year * 12 + start.date.month)
        case .weekly: units = (bound.date.dayNumber - firstWeekStart) / 7
        case .daily: units = bound.date.dayNumber - start.date.dayNumber
        case .hourly, .minutely, .secondly: units = (bound.civilSeconds - firstSubDailyStart) / unitSeconds
        }
        return max(0, units / interval - 1)
    }

    /// Period number `index`, or `nil` past the year 9999.
    func period(_ index: Int) -> Period? {
        let step = index * rule.interval
        switch rule.frequency {
        case .yearly:
            let year = start.date.year + step
            guard year <= 9998 else { return nil }
            if !rule.byWeekNo.isEmpty {
                let weeks = WeekNumbering(year: year, weekStart: rule.weekStart)
                return Period(days: weeks.days, hour: nil, minute: nil, second: nil, weeks: weeks)
            }
            let first = CivilDate.firstDayNumber(ofYear: year)
            let days = (first..<(first + CivilDate.daysInYear(year))).map(CivilDate.init(dayNumber:))
            return Period(days: days, hour: nil, minute: nil, second: nil, weeks: nil)
        case .monthly:
            let monthIndex = start.date.year * 12 + start.date.month - 1 + step
            let year = monthIndex / 12
            let month = monthIndex % 12 + 1
            guard year <= 9998, let first = CivilDate(year: year, month: month, day: 1) else { return nil }
            let days = (0..<CivilDate.daysInMonth(year: year, month: month)).map(first.adding(days:))
            return Period(days: days, hour: nil, minute: nil, second: nil, weeks: nil)
        case .weekly:
            let first = firstWeekStart + step * 7
            guard first < 2_932_000 else { return nil }
            let days = (first..<(first + 7)).map(CivilDate.init(dayNumber:))
            return Period(days: days, hour: nil, minute: nil, second: nil, weeks: nil)
        case .daily:
            let day = start.date.dayNumber + step
            guard day < 2_932_000 else { return nil }
            return Period(days: [CivilDate(dayNumber: day)], hour: nil, minute: nil, second: nil, weeks: nil)
        case .hourly, .minutely, .secondly:
            let seconds = firstSubDailyStart + step * unitSeconds
            guard seconds < 2_932_000 * 86_400 else { return nil }
            let moment = CivilDateTime(civilSeconds: seconds)
            return Period(
                days: [moment.date], hour: moment.hour,
                minute: rule.frequency <= .minutely ? moment.minute : nil,
                second: rule.frequency == .secondly ? moment.second : nil, weeks: nil)
        }
    }

    /// The days of `period` that pass the day-level BY rules, in order.
    func selectedDays(in period: Period) -> [CivilDate] {
        period.days.filter { isSelected($0, in: period) }
    }

    /// The occurrences made of `days` and `times` in order, after `BYSETPOS`.
    func candidates(days: [CivilDate], times: [(hour: Int, minute: Int, second: Int)]) -> [CivilDateTime] {
        var result: [CivilDateTime] = []
        for day in days {
            for time in times {
                if let moment = CivilDateTime(date: day, hour: time.hour, minute: time.minute, second: time.second) {
                    result.append(moment)
                }
            }
        }
        guard !rule.bySetPos.isEmpty, !result.isEmpty else { return result }
        let picked = Set(rule.bySetPos.compactMap { position -> Int? in
            let index = position > 0 ? position - 1 : result.count + position
            return result.indices.contains(index) ? index : nil
        })
        return picked.sorted().map { result[$0] }
    }

    /// The clock times of the period: expanded by BY rules at or above DAILY, and checked
    /// against them (limited) below DAILY.
    func clockTimes(in period: Period) -> [(hour: Int, minute: Int, second: Int)] {
        func values(_ fixed: Int?, _ by: [Int], _ fallback: Int) -> [Int] {
            if let fixed { return by.isEmpty || by.contains(fixed) ? [fixed] : [] }
            return by.isEmpty ? [fallback] : Array(Set(by)).sorted()
        }
        let hours = values(period.hour, rule.byHour, start.hour)
        let minutes = values(period.minute, rule.byMinute, start.minute)
        let seconds = values(period.second, rule.bySecond.map { min($0, 59) }, start.second)
        var result: [(hour: Int, minute: Int, second: Int)] = []
        for hour in hours {
            for minute in minutes {
                for second in seconds {
                    result.append((hour, minute, second))
                }
            }
        }
        return result
    }

    /// Whether `day` passes the day-level BY rules (and the DTSTART defaults) of `period`.
    private func isSelected(_ day: CivilDate, in period: Period) -> Bool {
        if !rule.byMonth.isEmpty, !rule.byMonth.contains(day.month) { return false }
        if let weeks = period.weeks, !weeks.isSelected(day, by: rule.byWeekNo) { return false }
        if !rule.byYearDay.isEmpty {
            let dayOfYear = day.dayOfYear
            let fromEnd = dayOfYear - CivilDate.daysInYear(day.year) - 1
            if !rule.byYearDay.contains(where: { $0 == dayOfYear || $0 == fromEnd }) { return false }
        }
        if !rule.byMonthDay.isEmpty {
            let fromEnd = day.day - CivilDate.daysInMonth(year: day.year, month: day.month) - 1
            if !rule.byMonthDay.contains(where: { $0 == day.day || $0 == fromEnd }) { return false }
        }
        if !rule.byDay.isEmpty, !rule.byDay.contains(where: { matches($0, day) }) { return false }
        guard usesStartDay else { return true }
        switch rule.frequency {
        case .yearly:
            return (!rule.byMonth.isEmpty || day.month == start.date.month) && day.day == start.date.day
        case .monthly:
            return day.day == start.date.day
        case .weekly:
            return day.weekday == start.date.weekday
        case .daily, .hourly, .minutely, .secondly:
            return true
        }
    }

    /// Whether `day` is the weekday of `entry`, and its n-th in the month or year when numbered.
    private func matches(_ entry: RecurrenceRule.WeekdayOccurrence, _ day: CivilDate) -> Bool {
        guard entry.weekday == day.weekday else { return false }
        guard let ordinal = entry.ordinal else { return true }
        let position: Int
        let length: Int
        if rule.frequency == .monthly || !rule.byMonth.isEmpty {
            position = day.day
            length = CivilDate.daysInMonth(year: day.year, month: day.month)
        } else {
            position = day.dayOfYear
            length = CivilDate.daysInYear(day.year)
        }
        let fromStart = (position - 1) / 7 + 1
        let fromEnd = -((length - position) / 7 + 1)
        return ordinal == fromStart || ordinal == fromEnd
    }
}
