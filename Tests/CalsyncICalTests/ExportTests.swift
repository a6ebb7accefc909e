import Foundation
import Testing

@testable import CalsyncICal

private let now = utc("2026-11-25T12:00:00Z")

private func berlin() throws -> TimeZone { try #require(TimeZone(identifier: "Europe/Berlin")) }

@Suite("Export writes RFC 5545 that reads back to the same instants")
struct ExportTests {
    @Test func writesTheRequiredStructure() throws {
        // Given a timed event in Berlin, an all-day event and a UTC event
        let events = [
            ICalExportEvent(uid: "e1", title: "Review, final; really", description: "Line 1\nLine 2",
                            location: "Room \\ 1", start: .instant(utc("2026-11-24T09:00:00Z")),
                            end: .instant(utc("2026-11-24T10:00:00Z")), timeZone: try berlin(), sequence: 3),
            ICalExportEvent(uid: "e2", title: "Holiday", start: day(2026, 12, 24), end: day(2026, 12, 27)),
            ICalExportEvent(uid: "e3", title: "Call", start: .instant(utc("2026-11-24T15:00:00Z")),
                            end: .instant(utc("2026-11-24T15:30:00Z")), timeZone: .utc),
        ]

        // When they are exported
        let text = ICalendar.export(events, prodID: "-//calsync//calsync 1.0//EN", now: now)
        let lines = text.components(separatedBy: "\r\n")

        // Then the file has CRLF only and the RFC's required properties
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(lines.prefix(3) == ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//calsync//calsync 1.0//EN"])
        #expect(lines.contains("BEGIN:VTIMEZONE"))
        #expect(lines.filter { $0 == "BEGIN:VTIMEZONE" }.count == 1)
        #expect(lines.contains("TZID:Europe/Berlin"))
        #expect(lines.contains("DTSTART;TZID=Europe/Berlin:20261124T100000"))
        #expect(lines.contains("DTSTART;VALUE=DATE:20261224"))
        #expect(lines.contains("DTEND;VALUE=DATE:20261227"))
        #expect(lines.contains("DTSTART:20261124T150000Z"))
        #expect(lines.filter { $0 == "DTSTAMP:20261125T120000Z" }.count == 3)
        #expect(lines.contains("SUMMARY:Review\\, final\\; really"))
        #expect(lines.contains("DESCRIPTION:Line 1\\nLine 2"))
        #expect(lines.contains("LOCATION:Room \\\\ 1"))
        #expect(lines.contains("SEQUENCE:3"))
        #expect(text.hasSuffix("END:VCALENDAR\r\n"))
    }

    @Test func vtimezoneCoversEveryTransitionOfTheEvents() throws {
        // Given Berlin events in January and in July of 2027
        let zone = try berlin()
        let events = [
            ICalExportEvent(uid: "w", title: "Winter", start: .instant(utc("2027-01-10T09:00:00Z")),
                            end: .instant(utc("2027-01-10T10:00:00Z")), timeZone: zone),
            ICalExportEvent(uid: "s", title: "Summer", start: .instant(utc("2027-07-10T08:00:00Z")),
                            end: .instant(utc("2027-07-10T09:00:00Z")), timeZone: zone),
        ]

        // When they are exported
        let lines = ICalendar.export(events, prodID: "-//calsync//x//EN", now: now).components(separatedBy: "\r\n")

        // Then the VTIMEZONE holds the October 2026 and March 2027 changes with their offsets
        let block = lines.drop { $0 != "BEGIN:VTIMEZONE" }.prefix { $0 != "END:VTIMEZONE" }
        #expect(block.contains("DTSTART:20261025T030000"))
        #expect(block.contains("DTSTART:20270328T020000"))
        #expect(block.contains("TZOFFSETFROM:+0200"))
        #expect(block.contains("TZOFFSETTO:+0200"))
        #expect(block.contains("BEGIN:DAYLIGHT"))
        #expect(block.contains("BEGIN:STANDARD"))
        #expect(lines.contains("DTSTART;TZID=Europe/Berlin:20270110T100000"))
        #expect(lines.contains("DTSTART;TZID=Europe/Berlin:20270710T100000"))
    }

    @Test(arguments: ["Asia/Tokyo", "America/Sao_Paulo", "Australia/Lord_Howe", "Asia/Kolkata", "Pacific/Chatham"])
    func exportReadsBackToTheSameInstants(_ identifier: String) throws {
        // Given hourly-spread events over two years in a zone
        let zone = try #require(TimeZone(identifier: identifier))
        let events = (0..<50).map { index in
            let offset = Double(index) * 15 * 86_400 + Double(index) * 3_700
            let start = utc("2026-01-01T00:00:00Z").addingTimeInterval(offset)
            return ICalExportEvent(uid: "z\(index)", title: "Event \(index) 🎉", start: .instant(start),
                                   end: .instant(start.addingTimeInterval(5_400)), timeZone: zone)
        }

        // When they are exported and imported again
        let text = ICalendar.export(events, prodID: "-//calsync//x//EN", now: now)
        let reimported = try ICalendar.parse(text, fileName: "zone.ics")
            .expand(range: DateInterval(start: utc("2025-01-01T00:00:00Z"), end: utc("2029-01-01T00:00:00Z")))

        // Then every instant and title is unchanged
        #expect(reimported.map(\.start) == events.map(\.start))
        #expect(reimported.map(\.end) == events.map(\.end))
        #expect(reimported.map(\.title) == events.map(\.title))
        #expect(reimported.allSatisfy { $0.timeZone.identifier == identifier })
    }

    @Test func longTextIsFoldedAndReadBack() throws {
        let description = String(repeating: "Überprüfung der Ergebnisse — 日本語のテキスト. ", count: 20)
        let event = ICalExportEvent(uid: "long", title: "Long", description: description,
                                    start: .instant(now), end: .instant(now))
        let text = ICalendar.export([event], prodID: "-//calsync//x//EN", now: now)
        #expect(text.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 75 })
        let reimported = try ICalendar.parse(text, fileName: "long.ics").events
        #expect(reimported.first?.description == description)
    }

    @Test func writtenVTIMEZONEAloneGivesTheSameInstants() throws {
        // Given Berlin events across two changes, exported
        let zone = try berlin()
        let starts = ["2026-10-20T08:00:00Z", "2026-11-20T09:00:00Z", "2027-04-20T08:00:00Z"].map(utc)
        let events = starts.enumerated().map { index, start in
            ICalExportEvent(uid: "v\(index)", title: "V", start: .instant(start),
                            end: .instant(start.addingTimeInterval(3600)), timeZone: zone)
        }
        let text = ICalendar.export(events, prodID: "-//calsync//x//EN", now: now)

        // When the zone is renamed so that only the written VTIMEZONE rules can place the times
        let renamed = text.replacingOccurrences(of: "X-LIC-LOCATION:Europe/Berlin\r\n", with: "")
            .replacingOccurrences(of: "Europe/Berlin", with: "Office zone")
        let instances = try ICalendar.parse(renamed, fileName: "renamed.ics")
            .expand(range: DateInterval(start: utc("2026-01-01T00:00:00Z"), end: utc("2028-01-01T00:00:00Z")))

        // Then the local times written with the VTIMEZONE's offsets are the same instants
        #expect(instances.map(\.start) == starts.map(ICalTime.instant))
    }

    @Test func inconsistentEndsAreWrittenSoTheFileReadsBack() throws {
        // Given ends that are before the start or of the other kind
        let start = utc("2026-11-24T09:00:00Z")
        let events = [
            ICalExportEvent(uid: "a", title: "A", start: .instant(start), end: .instant(start.addingTimeInterval(-60))),
            ICalExportEvent(uid: "b", title: "B", start: day(2026, 11, 24), end: day(2026, 11, 24)),
            ICalExportEvent(uid: "c", title: "C", start: day(2026, 11, 24), end: .instant(start)),
            ICalExportEvent(uid: "d", title: "D", start: .instant(start), end: day(2026, 11, 25)),
        ]

        // When they are exported and read back
        let text = ICalendar.export(events, prodID: "-//calsync//x//EN", now: now)
        let instances = try ICalendar.parse(text, fileName: "ends.ics")
            .expand(range: DateInterval(start: start, duration: 1))

        // Then the file is accepted, with zero-length or one-day events
        #expect(instances.map(\.key.uid) == ["b", "c", "a", "d"])
        #expect(instances.map(\.end) == [day(2026, 11, 25), day(2026, 11, 25), .instant(start), .instant(start)])
    }
}
