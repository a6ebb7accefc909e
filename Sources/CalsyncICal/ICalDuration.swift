/// An RFC 5545 DURATION: nominal days (weeks count as 7) plus exact seconds.
///
/// Days are added on the wall clock, so a one-day duration keeps its local time across a
/// daylight-saving change; seconds are added on the timeline.
struct ICalDuration: Sendable, Equatable {
    /// Nominal days, including 7 per week.
    var days: Int
    /// Exact seconds from the hours, minutes and seconds parts.
    var seconds: Int

    /// Whether the duration is shorter than zero.
    var isNegative: Bool { days < 0 || seconds < 0 }

    /// Reads `[+|-]P[nW][nD][T[nH][nM][nS]]`.
    static func parse(_ text: String) throws(ValueProblem) -> ICalDuration {
        var scalars = Substring(text.trimmingCharacters(in: .whitespaces))
        var sign = 1
        if scalars.first == "-" || scalars.first == "+" {
            sign = scalars.first == "-" ? -1 : 1
            scalars = scalars.dropFirst()
        }
        guard scalars.first == "P", scalars.count > 1 else { throw bad(text) }
        scalars = scalars.dropFirst()
        var days = 0
        var seconds = 0
        var inTime = false
        var number: Int?
        var sawPart = false
        for character in scalars {
            if let digit = character.wholeNumberValue, character.isASCII {
                number = (number ?? 0) * 10 + digit
                guard let value = number, value < 10_000_000 else { throw bad(text) }
                continue
            }
            if character == "T", number == nil, !inTime {
                inTime = true
                continue
            }
            guard let value = number else { throw bad(text) }
            switch (character, inTime) {
            case ("W", false): days += value * 7
            case ("D", false): days += value
            case ("H", true): seconds += value * 3600
            case ("M", true): seconds += value * 60
            case ("S", true): seconds += value
            default: throw bad(text)
            }
            number = nil
            sawPart = true
        }
        guard sawPart, number == nil else { throw bad(text) }
        return ICalDuration(days: days * sign, seconds: seconds * sign)
    }

    private static func bad(_ text: String) -> ValueProblem {
        ValueProblem(
            code: .badValue, what: "bad duration \"\(text)\"",
            why: "a DURATION is P followed by weeks, days and a T time part, such as PT1H30M or P1D",
            fix: "Write the duration as in RFC 5545 section 3.3.6")
    }
}
