import Foundation

/// A subset of the iCalendar RRULE (RFC 5545) used to expand recurring Google events.
///
/// Supported: `FREQ` DAILY, WEEKLY, MONTHLY, YEARLY; `INTERVAL`; `COUNT`; `UNTIL`; `BYDAY`
/// (plain weekdays for DAILY/WEEKLY, `1MO`/`-1FR` ordinals for MONTHLY); `BYMONTHDAY` for MONTHLY.
/// Other parts are rejected, so a rule is either expanded correctly or refused.
struct RecurrenceRule: Sendable, Equatable {
    /// How often the rule repeats.
    enum Frequency: String, Sendable {
        case daily = "DAILY"
        case weekly = "WEEKLY"
        case monthly = "MONTHLY"
        case yearly = "YEARLY"
    }

    /// A `BYDAY` entry: weekday (1 = Sunday … 7 = Saturday) and optional ordinal.
    struct WeekdayRule: Sendable, Equatable {
        let weekday: Int
        let ordinal: Int?
    }

    let frequency: Frequency
    let interval: Int
    let count: Int?
    let until: Date?
    let byDay: [WeekdayRule]
    let byMonthDay: [Int]

    /// The most instances one series expands to.
    static let instanceLimit = 1000

    private static let weekdays = ["SU": 1, "MO": 2, "TU": 3, "WE": 4, "TH": 5, "FR": 6, "SA": 7]

    /// Parses `RRULE:FREQ=...` (the prefix is optional); `nil` when unsupported or malformed.
    init?(_ line: String, zone: TimeZone) {
        let text = line.hasPrefix("RRULE:") ? String(line.dropFirst(6)) : line
        var parts: [String: String] = [:]
        for part in text.split(separator: ";") {
            let pair = part.split(separator: "=", maxSplits: 1)
            guard pair.count == 2 else { return nil }
            parts[pair[0].uppercased()] = String(pair[1])
        }
        guard let freqText = parts.removeValue(forKey: "FREQ"), let frequency = Frequency(rawValue: freqText.uppercased())
        else { return nil }
        self.frequency = frequency
        self.interval = parts.removeValue(forKey: "INTERVAL").flatMap(Int.init) ?? 1
        self.count = parts.removeValue(forKey: "COUNT").flatMap(Int.init)
        if let untilText = parts.removeValue(forKey: "UNTIL") {
            guard let until = Self.parseUntil(untilText, zone: zone) else { return nil }
            self.until = until
        } else {
            self.until = nil
        }
        var byDay: [WeekdayRule] = []
        for item in (parts.removeValue(forKey: "BYDAY") ?? "").split(separator: ",") {
            let code = String(item.suffix(2)).uppercased()
            guard let weekday = Self.weekdays[code] else { return nil }
            let ordinalText = item.dropLast(2)
            let ordinal = ordinalText.isEmpty ? nil : Int(ordinalText)
            if !ordinalText.isEmpty && ordinal == nil { return nil }
            byDay.append(WeekdayRule(weekday: weekday, ordinal: ordinal))
        }
        self.byDay = byDay
        self.byMonthDay = (parts.removeValue(forKey: "BYMONTHDAY") ?? "").split(separator: ",").compactMap { Int($0) }
        parts.removeValue(forKey: "WKST")
        guard parts.isEmpty, interval >= 1 else { return nil }
    }

    private static func parseUntil(_ text: String, zone: TimeZone) -> Date? {
        let digits = text.replacingOccurrences(of: "Z", with: "")
        if digits.count == 8 {
            let dashed = "\(digits.prefix(4))-\(digits.dropFirst(4).prefix(2))-\(digits.suffix(2))"
            // An all-day UNTIL includes its whole day.
            return DateFormats.parseDate(dashed, in: zone).map { $0.addingTimeInterval(86_399) }
        }
        guard digits.count == 15 else { return nil }
        let d = Array(digits)
        let iso = "\(String(d[0..<4]))-\(String(d[4..<6]))-\(String(d[6..<8]))T\(String(d[9..<11])):\(String(d[11..<13])):\(String(d[13..<15]))"
        return text.hasSuffix("Z") ? DateFormats.parseRFC3339(iso + "Z") : DateFormats.parseLocal(iso, in: zone)
    }

    /// Instance start times from `start` (the first instance) in `zone`, stopping at `horizon`
    /// (exclusive), `COUNT`, `UNTIL` or ``instanceLimit``, whichever comes first.
    func occurrences(from start: Date, in zone: TimeZone, before horizon: Date) -> [Date] {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        calendar.firstWeekday = 2
        let time = calendar.dateComponents([.hour, .minute, .second], from: start)
        var result: [Date] = []
        var period = 0
        let maximum = min(count ?? Self.instanceLimit, Self.instanceLimit)
        while result.count < maximum {
            guard let candidates = candidates(period: period, start: start, time: time, calendar: calendar) else { break }
            if candidates.first.map({ $0 >= horizon }) ?? false { break }
            if let until, let first = candidates.first, first > until { break }
            for candidate in candidates where candidate >= start && candidate < horizon {
                if let until, candidate > until { continue }
                if result.count < maximum { result.append(candidate) }
            }
            period += 1
            if period > 50_000 { break }
        }
        return result
    }

    /// The sorted candidate instants of one period (day, week, month or year) after `start`.
    private func candidates(period: Int, start: Date, time: DateComponents, calendar: Calendar) -> [Date]? {
        let step = period * interval
        func at(_ day: Date) -> Date? {
            calendar.date(
                bySettingHour: time.hour ?? 0, minute: time.minute ?? 0, second: time.second ?? 0, of: day)
        }
        switch frequency {
        case .daily:
            guard let day = calendar.date(byAdding: .day, value: step, to: start) else { return nil }
            if !byDay.isEmpty && !byDay.contains(where: { $0.weekday == calendar.component(.weekday, from: day) }) {
                return []
            }
            return [day]
        case .weekly:
            guard let weekStart = calendar.dateInterval(of: .weekOfYear, for: start)?.start,
                let thisWeek = calendar.date(byAdding: .weekOfYear, value: step, to: weekStart)
            else { return nil }
            let wanted = byDay.isEmpty ? [calendar.component(.weekday, from: start)] : byDay.map(\.weekday)
            return (0..<7).compactMap { offset -> Date? in
                guard let day = calendar.date(byAdding: .day, value: offset, to: thisWeek),
                    wanted.contains(calendar.component(.weekday, from: day))
                else { return nil }
                return at(day)
            }.sorted()
        case .monthly:
            guard let monthStart = calendar.dateInterval(of: .month, for: start)?.start,
                let month = calendar.date(byAdding: .month, value: step, to: monthStart),
                let range = calendar.range(of: .day, in: .month, for: month)
            else { return nil }
            let days = range.compactMap { calendar.date(byAdding: .day, value: $0 - 1, to: month) }
            var picked: [Date] = []
            if !byDay.isEmpty {
                for rule in byDay {
                    let matching = days.filter { calendar.component(.weekday, from: $0) == rule.weekday }
                    if let ordinal = rule.ordinal {
                        let index = ordinal > 0 ? ordinal - 1 : matching.count + ordinal
                        if matching.indices.contains(index) { picked.append(matching[index]) }
                    } else {
                        picked += matching
                    }
                }
            } else {
                let wanted = byMonthDay.isEmpty ? [calendar.component(.day, from: start)] : byMonthDay
                for dayNumber in wanted {
                    let index = dayNumber > 0 ? dayNumber - 1 : days.count + dayNumber
                    if days.indices.contains(index) { picked.append(days[index]) }
                }
            }
            return picked.compactMap(at).sorted()
        case .yearly:
            guard let day = calendar.date(byAdding: .year, value: step, to: start) else { return nil }
            return calendar.component(.day, from: day) == calendar.component(.day, from: start) ? [day] : []
        }
    }
}
