import Foundation
import Testing

@testable import CalsyncICal

/// A file that must be refused whole, with where and why.
struct MalformedCase: CustomTestStringConvertible, Sendable {
    let file: String
    let line: Int
    let code: ICalError.Code

    var testDescription: String { file }
}

private let malformedCases: [MalformedCase] = [
    MalformedCase(file: "empty.ics", line: 1, code: .emptyFile),
    MalformedCase(file: "blank-lines.ics", line: 1, code: .emptyFile),
    MalformedCase(file: "binary.ics", line: 1, code: .binaryData),
    MalformedCase(file: "nul-byte.ics", line: 6, code: .binaryData),
    MalformedCase(file: "latin1.ics", line: 7, code: .binaryData),
    MalformedCase(file: "plain-text.ics", line: 1, code: .malformedLine),
    MalformedCase(file: "no-calendar.ics", line: 1, code: .missingCalendar),
    MalformedCase(file: "unterminated-calendar.ics", line: 1, code: .unterminatedComponent),
    MalformedCase(file: "unterminated-event.ics", line: 7, code: .mismatchedEnd),
    MalformedCase(file: "stray-end.ics", line: 4, code: .mismatchedEnd),
    MalformedCase(file: "mismatched-end.ics", line: 9, code: .mismatchedEnd),
    MalformedCase(file: "malformed-line.ics", line: 7, code: .malformedLine),
    MalformedCase(file: "missing-uid.ics", line: 9, code: .missingProperty),
    MalformedCase(file: "missing-dtstart.ics", line: 4, code: .missingProperty),
    MalformedCase(file: "duplicate-dtstart.ics", line: 7, code: .duplicateProperty),
    MalformedCase(file: "bad-date.ics", line: 6, code: .badValue),
    MalformedCase(file: "bad-time.ics", line: 6, code: .badValue),
    MalformedCase(file: "bad-duration.ics", line: 7, code: .badValue),
    MalformedCase(file: "bad-sequence.ics", line: 7, code: .badValue),
    MalformedCase(file: "mixed-value-types.ics", line: 7, code: .badValue),
    MalformedCase(file: "unknown-tzid.ics", line: 6, code: .unknownTimeZone),
    MalformedCase(file: "dst-vtimezone-unknown-name.ics", line: 19, code: .unknownTimeZone),
    MalformedCase(file: "bad-rrule-part.ics", line: 7, code: .badRecurrenceRule),
    MalformedCase(file: "bad-rrule-freq.ics", line: 7, code: .badRecurrenceRule),
    MalformedCase(file: "rrule-count-and-until.ics", line: 7, code: .badRecurrenceRule),
    MalformedCase(file: "end-before-start.ics", line: 7, code: .endBeforeStart),
    MalformedCase(file: "this-and-future.ics", line: 11, code: .unsupported),
    MalformedCase(file: "vcalendar-1.ics", line: 2, code: .unsupported),
]

@Suite("Malformed files are refused whole, with file and line")
struct MalformedFileTests {
    @Test(arguments: malformedCases)
    func refusesTheFileAtTheLine(_ malformed: MalformedCase) throws {
        // Given a malformed file on disk
        let data = try fixture("malformed/\(malformed.file)")

        // When it is imported, then nothing comes back and the error names file, line and rule
        var document: ICalDocument?
        let error = #expect(throws: ICalError.self) {
            document = try ICalendar.parse(data, fileName: malformed.file)
        }
        #expect(document == nil)
        #expect(error?.fileName == malformed.file)
        #expect(error?.line == malformed.line)
        #expect(error?.code == malformed.code)
        #expect(error?.description.hasPrefix("\(malformed.file):\(malformed.line): error: ") == true)
    }

    @Test func runawayRuleIsRefusedAtItsLineInsteadOfHanging() throws {
        // Given a rule that repeats every second, forever
        let document = try parseFixture("malformed/runaway.ics")

        // When it is expanded over the default range, then it is refused at the RRULE line
        let error = #expect(throws: ICalError.self) {
            try document.expand(range: ICalendar.defaultRange(around: utc("2026-11-25T00:00:00Z")))
        }
        #expect(error?.line == 7)
        #expect(error?.code == .runawayRecurrence)
    }

    @Test func ruleWithMillionsOfCandidatesPerPeriodIsRefused() throws {
        // Given a yearly rule naming every second of every day
        let minutes = (0...59).map(String.init).joined(separator: ",")
        let text = calendar([
            "BEGIN:VEVENT", "UID:storm", "DTSTART:20261101T000000Z",
            "RRULE:FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=1,2,3;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11"
                + ";BYMINUTE=\(minutes);BYSECOND=\(minutes)",
            "END:VEVENT",
        ])
        let document = try ICalendar.parse(text, fileName: "storm.ics")

        // When it is expanded, then it is refused at the RRULE line before building the candidates
        let error = #expect(throws: ICalError.self) {
            try document.expand(range: ICalendar.defaultRange(around: utc("2026-11-25T00:00:00Z")))
        }
        #expect(error?.line == 7)
        #expect(error?.code == .runawayRecurrence)
    }

    @Test func errorRendersAsFileLineWhatWhyFix() {
        // Given an error value
        let error = ICalError(
            fileName: "team.ics", line: 12, code: .badValue, what: "bad date or time \"20260230\"",
            why: "the day does not exist in the Gregorian calendar", fix: "Write a real date")

        // Then it renders in the house format
        #expect(
            error.description == "team.ics:12: error: bad date or time \"20260230\" "
                + "(the day does not exist in the Gregorian calendar). Write a real date")
    }
}
