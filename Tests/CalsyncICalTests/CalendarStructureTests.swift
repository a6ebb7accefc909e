import Foundation
import Testing

@testable import CalsyncICal

private let range = ICalendar.defaultRange(around: utc("2026-11-20T00:00:00Z"))

@Suite("Calendar structure: several calendars, byte order marks, case")
struct CalendarStructureTests {
    @Test func readsEveryCalendarOfAFileWithItsOwnDefaultZone() throws {
        // Given two VCALENDAR blocks with different X-WR-TIMEZONE and a floating event each
        let text = calendar(["BEGIN:VEVENT", "UID:a", "DTSTART:20261124T100000", "END:VEVENT"],
                            header: ["X-WR-TIMEZONE:Asia/Tokyo"])
            + calendar(["BEGIN:VEVENT", "UID:b", "DTSTART:20261124T100000", "END:VEVENT"],
                       header: ["X-WR-TIMEZONE:Romance Standard Time"])

        // When it is imported
        let instances = try ICalendar.parse(text, fileName: "two.ics").expand(range: range)

        // Then each floating time is read in its own calendar's zone
        #expect(instances.map(\.key.description) == ["a", "b"])
        #expect(instances.map(\.start) == [
            .instant(utc("2026-11-24T01:00:00Z")), .instant(utc("2026-11-24T09:00:00Z")),
        ])
    }

    @Test func skipsAByteOrderMarkAndReadsNamesInAnyCase() throws {
        let text = "\u{FEFF}begin:vcalendar\r\nversion:2.0\r\nbegin:vevent\r\nuid:lower\r\n"
            + "dtstart;value=date:20261124\r\nsummary:Quiet day\r\nend:vevent\r\nend:vcalendar\r\n"
        let instances = try ICalendar.parse(Data(text.utf8), fileName: "lower.ics").expand(range: range)
        #expect(instances.map(\.title) == ["Quiet day"])
        #expect(instances.first?.start == day(2026, 11, 24))
        #expect(instances.first?.end == day(2026, 11, 25))
    }

    @Test func aRefusedFileYieldsNoEventsEvenWhenEarlierOnesWereFine() throws {
        // Given a file whose first event is fine and whose second is broken
        let text = calendar([
            "BEGIN:VEVENT", "UID:good", "DTSTART:20261124T100000Z", "END:VEVENT",
            "BEGIN:VEVENT", "UID:bad", "DTSTART:20261124T100000Z", "DTEND:20261124", "END:VEVENT",
        ])

        // Then the parser returns no document at all, naming the broken line
        let error = #expect(throws: ICalError.self) { try ICalendar.parse(text, fileName: "half.ics") }
        #expect(error?.line == 11)
        #expect(error?.description.hasPrefix("half.ics:11: error: DTEND is a DATE but DTSTART is not") == true)
    }
}
