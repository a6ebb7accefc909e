import Foundation
import Testing

@testable import CalsyncICal

private let november = DateInterval(start: utc("2026-11-01T00:00:00Z"), end: utc("2026-12-01T00:00:00Z"))

private func expand(_ lines: [String], header: [String] = [], range: DateInterval = november) throws -> [ICalInstance] {
    try ICalendar.parse(calendar(lines, header: header), fileName: "set.ics").expand(range: range)
}

@Suite("Recurrence sets: RDATE, EXDATE, overrides, ranges and zones")
struct RecurrenceSetTests {
    @Test func rdateAddsAndExdateRemovesInstances() throws {
        // Given a weekly series with one extra date, a PERIOD, and one excluded date
        let instances = try expand([
            "BEGIN:VEVENT", "UID:set", "DTSTART:20261102T100000Z", "DTEND:20261102T110000Z",
            "RRULE:FREQ=WEEKLY;COUNT=4", "RDATE:20261105T150000Z",
            "RDATE;VALUE=PERIOD:20261106T080000Z/PT30M",
            "EXDATE:20261109T100000Z", "END:VEVENT",
        ])

        // Then the extra dates are added, the excluded one is gone, and the PERIOD keeps its own end
        #expect(instances.map(\.key.description) == [
            "set/20261102T100000Z", "set/20261105T150000Z", "set/20261106T080000Z",
            "set/20261116T100000Z", "set/20261123T100000Z",
        ])
        #expect(instances[1].end == .instant(utc("2026-11-05T16:00:00Z")))
        #expect(instances[2].end == .instant(utc("2026-11-06T08:30:00Z")))
    }

    @Test func countCountsInstancesBeforeTheRange() throws {
        // Given a daily series of 40 that started in October
        let instances = try expand([
            "BEGIN:VEVENT", "UID:count", "DTSTART:20261010T090000Z", "RRULE:FREQ=DAILY;COUNT=40", "END:VEVENT",
        ])

        // Then only the instances left after October's 22 fall in November: the 1st to the 18th
        #expect(instances.count == 18)
        #expect(instances.last?.start == .instant(utc("2026-11-18T09:00:00Z")))
    }

    @Test func overrideMovedIntoTheRangeReplacesItsInstance() throws {
        // Given an October instance moved into November, and a November instance moved out
        let instances = try expand([
            "BEGIN:VEVENT", "UID:move", "DTSTART:20261026T100000Z", "RRULE:FREQ=WEEKLY;COUNT=3", "SUMMARY:Series",
            "END:VEVENT",
            "BEGIN:VEVENT", "UID:move", "RECURRENCE-ID:20261026T100000Z", "DTSTART:20261103T100000Z",
            "SUMMARY:Moved in", "END:VEVENT",
            "BEGIN:VEVENT", "UID:move", "RECURRENCE-ID:20261109T100000Z", "DTSTART:20261215T100000Z",
            "SUMMARY:Moved out", "END:VEVENT",
        ])

        // Then November shows the moved-in override and the remaining original, each keyed by its original start
        #expect(instances.map(\.title) == ["Series", "Moved in"])
        #expect(instances.map(\.key.description) == ["move/20261102T100000Z", "move/20261026T100000Z"])
    }

    @Test func cancelledOverrideAndCancelledSeriesRemoveInstances() throws {
        let instances = try expand([
            "BEGIN:VEVENT", "UID:a", "DTSTART:20261102T100000Z", "RRULE:FREQ=DAILY;COUNT=3", "END:VEVENT",
            "BEGIN:VEVENT", "UID:a", "RECURRENCE-ID:20261103T100000Z", "DTSTART:20261103T100000Z",
            "STATUS:CANCELLED", "END:VEVENT",
            "BEGIN:VEVENT", "UID:b", "DTSTART:20261102T100000Z", "RRULE:FREQ=DAILY;COUNT=3", "STATUS:CANCELLED",
            "END:VEVENT",
        ])
        #expect(instances.map(\.key.description) == ["a/20261102T100000Z", "a/20261104T100000Z"])
    }

    @Test func singleEventsAreKeptWhateverTheRange() throws {
        let instances = try expand([
            "BEGIN:VEVENT", "UID:old", "DTSTART:20200101T100000Z", "END:VEVENT",
        ])
        #expect(instances.map(\.key.description) == ["old"])
        #expect(instances.first?.end == .instant(utc("2020-01-01T10:00:00Z")))
    }

    @Test func weeklySeriesKeepsWallClockTimeAcrossDaylightSaving() throws {
        // Given a weekly 09:00 meeting in New York spanning the November 1 change
        let instances = try expand([
            "BEGIN:VEVENT", "UID:dst", "DTSTART;TZID=America/New_York:20261026T090000",
            "DTEND;TZID=America/New_York:20261026T100000", "RRULE:FREQ=WEEKLY;COUNT=3", "END:VEVENT",
        ], range: DateInterval(start: utc("2026-10-01T00:00:00Z"), end: utc("2026-12-01T00:00:00Z")))

        // Then it stays at 09:00 local: 13:00Z before, 14:00Z after
        #expect(instances.map(\.start) == [
            .instant(utc("2026-10-26T13:00:00Z")), .instant(utc("2026-11-02T14:00:00Z")),
            .instant(utc("2026-11-09T14:00:00Z")),
        ])
        #expect(instances.map(\.end)[1] == .instant(utc("2026-11-02T15:00:00Z")))
    }

    @Test func nonexistentLocalTimeUsesTheOffsetBeforeTheGap() throws {
        // Given a daily 02:30 event in New York across the March 8, 2026 spring-forward gap
        let instances = try expand([
            "BEGIN:VEVENT", "UID:gap", "DTSTART;TZID=America/New_York:20260307T023000",
            "RRULE:FREQ=DAILY;COUNT=3", "END:VEVENT",
        ], range: DateInterval(start: utc("2026-03-01T00:00:00Z"), end: utc("2026-04-01T00:00:00Z")))

        // Then 02:30 on March 8 is read with the EST offset (07:30Z, shown as 03:30 EDT)
        #expect(instances.map(\.start) == [
            .instant(utc("2026-03-07T07:30:00Z")), .instant(utc("2026-03-08T07:30:00Z")),
            .instant(utc("2026-03-09T06:30:00Z")),
        ])
    }

    @Test func ambiguousLocalTimeMeansItsFirstOccurrence() throws {
        let instances = try expand([
            "BEGIN:VEVENT", "UID:overlap", "DTSTART;TZID=America/New_York:20261101T013000", "END:VEVENT",
        ])
        #expect(instances.first?.start == .instant(utc("2026-11-01T05:30:00Z")))
    }

    @Test func allDaySeriesExpandsToDatesWithExclusiveEnds() throws {
        // Given a two-day all-day event every other week, one excluded
        let instances = try expand([
            "BEGIN:VEVENT", "UID:offsite", "DTSTART;VALUE=DATE:20261102", "DTEND;VALUE=DATE:20261104",
            "RRULE:FREQ=WEEKLY;INTERVAL=2;UNTIL=20261130", "EXDATE;VALUE=DATE:20261116", "END:VEVENT",
        ])
        #expect(instances.map(\.start) == [day(2026, 11, 2), day(2026, 11, 30)])
        #expect(instances.map(\.end) == [day(2026, 11, 4), day(2026, 12, 2)])
        #expect(instances.map(\.key.description) == ["offsite/20261102", "offsite/20261130"])
    }

    @Test func floatingTimesUseXWRTimezoneElseUTC() throws {
        let event = ["BEGIN:VEVENT", "UID:f", "DTSTART:20261124T100000", "END:VEVENT"]
        let tokyo = try expand(event, header: ["X-WR-TIMEZONE:Asia/Tokyo"])
        let plain = try expand(event)
        #expect(tokyo.first?.start == .instant(utc("2026-11-24T01:00:00Z")))
        #expect(tokyo.first?.timeZone.identifier == "Asia/Tokyo")
        #expect(plain.first?.start == .instant(utc("2026-11-24T10:00:00Z")))
    }

    @Test func durationDaysAreNominalAndHoursExact() throws {
        // Given a P1DT1H duration starting the day before the November 1 change in New York
        let instances = try expand([
            "BEGIN:VEVENT", "UID:d", "DTSTART;TZID=America/New_York:20261031T120000", "DURATION:P1DT1H",
            "END:VEVENT",
        ])

        // Then one day on the wall clock (12:00 EST = 17:00Z) plus one exact hour
        #expect(instances.first?.end == .instant(utc("2026-11-01T18:00:00Z")))
    }

    @Test func dateExdateRemovesTheDayOfATimedSeries() throws {
        let instances = try expand([
            "BEGIN:VEVENT", "UID:x", "DTSTART:20261102T100000Z", "RRULE:FREQ=DAILY;COUNT=3",
            "EXDATE;VALUE=DATE:20261103", "END:VEVENT",
        ])
        #expect(instances.count == 2)
    }

    @Test func otherComponentsAreIgnored() throws {
        let instances = try expand([
            "BEGIN:VTODO", "UID:t", "DUE:20261110T100000Z", "END:VTODO",
            "BEGIN:VJOURNAL", "UID:j", "DTSTART:20261110T100000Z", "END:VJOURNAL",
            "BEGIN:VFREEBUSY", "UID:fb", "DTSTART:20261110T100000Z", "END:VFREEBUSY",
            "BEGIN:VEVENT", "UID:e", "DTSTART:20261110T100000Z",
            "BEGIN:VALARM", "ACTION:DISPLAY", "TRIGGER:-PT5M", "END:VALARM", "END:VEVENT",
        ])
        #expect(instances.map(\.key.description) == ["e"])
    }

    @Test func expansionIsLimitedToTheRange() throws {
        // Given an endless daily rule that started years ago
        let instances = try expand([
            "BEGIN:VEVENT", "UID:forever", "DTSTART:20000101T080000Z", "RRULE:FREQ=DAILY", "END:VEVENT",
        ], range: ICalendar.defaultRange(around: utc("2026-11-25T00:00:00Z")))

        // Then exactly the 395 days of the default range are produced
        #expect(instances.count == 395)
        #expect(instances.first?.start == .instant(utc("2026-10-26T08:00:00Z")))
    }

    @Test func allDaySeriesAcceptsExceptionsWrittenWithATime() throws {
        // Given an all-day series whose EXDATE and RECURRENCE-ID carry a midnight time, as some writers do
        let instances = try expand([
            "BEGIN:VEVENT", "UID:ooo", "DTSTART;VALUE=DATE:20261102", "RRULE:FREQ=DAILY;COUNT=3",
            "EXDATE;TZID=Europe/Berlin:20261103T000000", "SUMMARY:Out of office", "END:VEVENT",
            "BEGIN:VEVENT", "UID:ooo", "RECURRENCE-ID;TZID=Europe/Berlin:20261104T000000",
            "DTSTART;VALUE=DATE:20261105", "SUMMARY:Out of office (moved)", "END:VEVENT",
        ])

        // Then the exception removes its day and the override replaces the day it names
        #expect(instances.map(\.key.description) == ["ooo/20261102", "ooo/20261104"])
        #expect(instances.map(\.start) == [day(2026, 11, 2), day(2026, 11, 5)])
    }

    @Test func overrideOfASingleEventReplacesIt() throws {
        let instances = try expand([
            "BEGIN:VEVENT", "UID:one", "DTSTART:20261110T100000Z", "SUMMARY:Original", "END:VEVENT",
            "BEGIN:VEVENT", "UID:one", "RECURRENCE-ID:20261110T100000Z", "DTSTART:20261110T120000Z",
            "SEQUENCE:1", "SUMMARY:Changed", "END:VEVENT",
        ])
        #expect(instances.map(\.title) == ["Changed"])
    }
}
