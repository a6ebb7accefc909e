import Foundation

/// Reads a Graph `patternedRecurrence` as a ``RecurrenceRule``.
///
/// Supported patterns: `daily`, `weekly` (`daysOfWeek`), `absoluteMonthly` (`dayOfMonth`),
/// `relativeMonthly` (`daysOfWeek` + `index`), `absoluteYearly`; ranges `numbered`, `endDate`, `noEnd`.
enum GraphRecurrence {
    private static let days = [
        "sunday": "SU", "monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH", "friday": "FR",
        "saturday": "SA",
    ]
    private static let ordinals = ["first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1]

    /// The rule for `recurrence`, or `nil` when absent or unsupported.
    static func rule(_ recurrence: JSONValue?) -> RecurrenceRule? {
        guard let recurrence, let pattern = recurrence["pattern"], let type = pattern["type"]?.stringValue else { return nil }
        let interval = pattern["interval"]?.intValue ?? 1
        let weekdays = (pattern["daysOfWeek"]?.arrayValue ?? []).compactMap { $0.stringValue.flatMap { days[$0.lowercased()] } }
        var parts = ["INTERVAL=\(max(interval, 1))"]
        switch type {
        case "daily": parts.insert("FREQ=DAILY", at: 0)
        case "weekly":
            parts.insert("FREQ=WEEKLY", at: 0)
            if !weekdays.isEmpty { parts.append("BYDAY=" + weekdays.joined(separator: ",")) }
        case "absoluteMonthly":
            parts.insert("FREQ=MONTHLY", at: 0)
            if let day = pattern["dayOfMonth"]?.intValue { parts.append("BYMONTHDAY=\(day)") }
        case "relativeMonthly":
            let ordinal = ordinals[pattern["index"]?.stringValue ?? "first"] ?? 1
            guard !weekdays.isEmpty else { return nil }
            parts.insert("FREQ=MONTHLY", at: 0)
            parts.append("BYDAY=" + weekdays.map { "\(ordinal)\($0)" }.joined(separator: ","))
        case "absoluteYearly": parts.insert("FREQ=YEARLY", at: 0)
        default: return nil
        }
        switch recurrence["range"]?["type"]?.stringValue {
        case "numbered":
            guard let count = recurrence["range"]?["numberOfOccurrences"]?.intValue, count > 0 else { return nil }
            parts.append("COUNT=\(count)")
        case "endDate":
            guard let end = recurrence["range"]?["endDate"]?.stringValue else { return nil }
            parts.append("UNTIL=" + end.replacingOccurrences(of: "-", with: ""))
        default: break
        }
        let utc = TimeZone(secondsFromGMT: 0) ?? .current
        return RecurrenceRule(parts.joined(separator: ";"), zone: utc)
    }
}
