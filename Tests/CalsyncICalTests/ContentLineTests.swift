import Foundation
import Testing

@testable import CalsyncICal

@Suite("Content lines: unfolding, parameters, TEXT escaping, folding")
struct ContentLineTests {
    @Test(arguments: ["\r\n", "\n"])
    func unfoldsContinuationLinesWithSpaceOrTab(_ lineEnd: String) throws {
        // Given a SUMMARY folded once with a space and once with a tab
        let text = ["BEGIN:VCALENDAR", "SUMMARY:Quarterly", "  review", "\tmeeting", "END:VCALENDAR"]
            .joined(separator: lineEnd)

        // When it is read
        let lines = try ContentLine.parseAll(text, fileName: "fold.ics")

        // Then the continuations are joined without their first whitespace and lines keep their number
        #expect(lines.map(\.name) == ["BEGIN", "SUMMARY", "END"])
        #expect(lines[1].value == "Quarterly reviewmeeting")
        #expect(lines[1].line == 2)
        #expect(lines[2].line == 5)
    }

    @Test func readsQuotedAndMultipleParameterValues() throws {
        // Given parameters with quotes holding ; : and , and a list of values
        let line = try ContentLine.parse(
            #"ATTENDEE;CN="Smith, Dana: PM";ROLE=REQ-PARTICIPANT;DELEGATED-FROM="mailto:a@x.com","mailto:b@x.com""#
                + ":mailto:dana@x.com",
            line: 4)

        // Then each parameter has its values, quotes removed, and the value starts after the first free colon
        #expect(line.name == "ATTENDEE")
        #expect(line.parameter("CN") == "Smith, Dana: PM")
        #expect(line.parameters["DELEGATED-FROM"] == ["mailto:a@x.com", "mailto:b@x.com"])
        #expect(line.parameter("ROLE") == "REQ-PARTICIPANT")
        #expect(line.value == "mailto:dana@x.com")
    }

    @Test func namesAreCaseInsensitive() throws {
        let line = try ContentLine.parse("dtStart;tzid=Europe/Berlin:20261124T100000", line: 1)
        #expect(line.name == "DTSTART")
        #expect(line.parameter("TZID") == "Europe/Berlin")
    }

    @Test(arguments: [
        ("a\\,b\\;c\\\\d\\ne\\Nf", "a,b;c\\d\ne\nf"),
        ("no escapes", "no escapes"),
        ("trailing\\", "trailing\\"),
    ])
    func unescapesText(_ written: String, _ meant: String) {
        #expect(ContentLine.unescape(written) == meant)
    }

    @Test(arguments: ["Plain", "a,b;c\\d\ne", "line\r\nbreak", "Café ☕ 日本語"])
    func escapingRoundTrips(_ text: String) {
        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(ContentLine.unescape(ContentLine.escape(text)) == normalized)
    }

    @Test(arguments: [10, 74, 75, 76, 200, 1000])
    func foldsAt75OctetsWithoutSplittingUTF8(_ length: Int) throws {
        // Given a long line mixing 1-, 2-, 3- and 4-byte characters
        let pattern = Array("aé☕𝄞")
        let value = String((0..<length).map { pattern[$0 % pattern.count] })
        var output = ""

        // When it is folded
        ContentLine.fold("SUMMARY:" + value, into: &output)

        // Then every physical line has at most 75 octets, is valid UTF-8, ends in CRLF, and unfolds back
        #expect(output.hasSuffix("\r\n"))
        let physical = output.dropLast(2).components(separatedBy: "\r\n")
        for line in physical {
            #expect(line.utf8.count <= 75)
        }
        #expect(physical.dropFirst().allSatisfy { $0.hasPrefix(" ") })
        let unfolded = try ContentLine.parseAll(output, fileName: "fold.ics")
        #expect(unfolded.first?.value == value)
    }
}
