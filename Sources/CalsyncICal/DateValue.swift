import Foundation

/// A DATE or DATE-TIME property value as written in the file, before zones are applied.
enum DateValue: Sendable, Equatable {
    /// `VALUE=DATE`, `YYYYMMDD`.
    case date(CivilDate)
    /// `YYYYMMDDTHHMMSSZ`, a UTC time.
    case utc(CivilDateTime)
    /// `YYYYMMDDTHHMMSS`, in the zone named by `TZID`, or floating when `tzid` is `nil`.
    case local(CivilDateTime, tzid: String?)

    /// Reads `text` as a DATE when it has 8 characters or `isDate` is set, else as a DATE-TIME.
    static func parse(_ text: String, tzid: String?, isDate: Bool) throws(ValueProblem) -> DateValue {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if isDate || trimmed.count == 8 {
            guard trimmed.count == 8 else { throw bad(text, "a DATE is YYYYMMDD") }
            return .date(try parseDate(trimmed))
        }
        let civil = try parseDateTime(trimmed)
        if trimmed.hasSuffix("Z") { return .utc(civil) }
        return .local(civil, tzid: tzid)
    }

    /// Reads `YYYYMMDD`.
    static func parseDate(_ text: String) throws(ValueProblem) -> CivilDate {
        let digits = Array(text.utf8)
        guard digits.count == 8, let year = number(digits[0..<4]), let month = number(digits[4..<6]),
            let day = number(digits[6..<8])
        else { throw bad(text, "a DATE is YYYYMMDD") }
        guard let date = CivilDate(year: year, month: month, day: day) else {
            throw bad(text, "the day does not exist in the Gregorian calendar")
        }
        return date
    }

    /// Reads `YYYYMMDDTHHMMSS` with an optional trailing `Z`.
    static func parseDateTime(_ text: String) throws(ValueProblem) -> CivilDateTime {
        var digits = Array(text.utf8)
        if digits.last == UInt8(ascii: "Z") { digits.removeLast() }
        guard digits.count == 15, digits[8] == UInt8(ascii: "T"),
            let hour = number(digits[9..<11]), let minute = number(digits[11..<13]),
            let second = number(digits[13..<15])
        else { throw bad(text, "a DATE-TIME is YYYYMMDDTHHMMSS, with Z for UTC") }
        let date = try parseDate(String(decoding: digits[0..<8], as: UTF8.self))
        guard let civil = CivilDateTime(date: date, hour: hour, minute: minute, second: second) else {
            throw bad(text, "hours run 00-23, minutes 00-59 and seconds 00-60")
        }
        return civil
    }

    private static func number(_ digits: ArraySlice<UInt8>) -> Int? {
        var value = 0
        for digit in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) else { return nil }
            value = value * 10 + Int(digit - UInt8(ascii: "0"))
        }
        return value
    }

    private static func bad(_ text: String, _ why: String) -> ValueProblem {
        ValueProblem(
            code: .badValue, what: "bad date or time \"\(text)\"", why: why,
            fix: "Write dates as 20261124 and times as 20261124T100000 or 20261124T100000Z")
    }
}
