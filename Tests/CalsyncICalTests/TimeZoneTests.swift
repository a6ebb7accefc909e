import Foundation
import Testing

@testable import CalsyncICal

@Suite("Time zones: IANA, Windows names, VTIMEZONE fallbacks")
struct TimeZoneTests {
    @Test(arguments: [
        ("Pacific Standard Time", "America/Los_Angeles"),
        ("W. Europe Standard Time", "Europe/Berlin"),
        ("GMT Standard Time", "Europe/London"),
        ("Eastern Standard Time", "America/New_York"),
        ("Romance Standard Time", "Europe/Paris"),
        ("Central Europe Standard Time", "Europe/Budapest"),
        ("Tokyo Standard Time", "Asia/Tokyo"),
        ("AUS Eastern Standard Time", "Australia/Sydney"),
        ("India Standard Time", "Asia/Kolkata"),
        ("China Standard Time", "Asia/Shanghai"),
        ("UTC", "Etc/UTC"),
        ("Europe/Berlin", "Europe/Berlin"),
        ("/mozilla.org/20070129_1/Europe/Berlin", "Europe/Berlin"),
        ("/citadel.org/20190914_1/America/Argentina/Buenos_Aires", "America/Argentina/Buenos_Aires"),
    ])
    func resolvesTZIDThroughTheSystemDatabase(_ tzid: String, _ iana: String) {
        let zone = TimeZoneResolver(definitions: [:]).zone(for: tzid)
        #expect(zone?.identifier == TimeZone(identifier: iana)?.identifier)
        #expect(zone != nil)
    }

    @Test func everyWindowsNameMapsToAZoneTheSystemKnows() {
        for name in ["Dateline Standard Time", "Hawaiian Standard Time", "Alaskan Standard Time",
                     "Mountain Standard Time", "Central Standard Time", "Atlantic Standard Time",
                     "E. South America Standard Time", "FLE Standard Time", "Russian Standard Time",
                     "Arabian Standard Time", "Singapore Standard Time", "New Zealand Standard Time",
                     "Myanmar Standard Time", "Nepal Standard Time", "tzone://Microsoft/Utc"] {
            #expect(TimeZoneResolver(definitions: [:]).zone(for: name) != nil, "\(name)")
        }
    }

    @Test func vtimezoneWithXLicLocationNamesTheZone() throws {
        // Given a custom TZID whose VTIMEZONE names an IANA zone in X-LIC-LOCATION
        let text = calendar([
            "BEGIN:VTIMEZONE", "TZID:Custom Berlin", "X-LIC-LOCATION:Europe/Berlin",
            "BEGIN:STANDARD", "DTSTART:19701025T030000", "TZOFFSETFROM:+0200", "TZOFFSETTO:+0100", "END:STANDARD",
            "BEGIN:DAYLIGHT", "DTSTART:19700329T020000", "TZOFFSETFROM:+0100", "TZOFFSETTO:+0200", "END:DAYLIGHT",
            "END:VTIMEZONE",
            "BEGIN:VEVENT", "UID:a", "DTSTART;TZID=Custom Berlin:20260701T100000", "END:VEVENT",
        ])

        // When it is imported, then the summer time of Berlin applies
        let instance = try #require(try ICalendar.parse(text, fileName: "lic.ics")
            .expand(range: ICalendar.defaultRange(around: utc("2026-07-01T00:00:00Z"))).first)
        #expect(instance.start == .instant(utc("2026-07-01T08:00:00Z")))
        #expect(instance.timeZone.identifier == "Europe/Berlin")
    }

    @Test func vtimezoneWithOneFixedOffsetIsUsed() throws {
        let text = calendar([
            "BEGIN:VTIMEZONE", "TZID:Office Time",
            "BEGIN:STANDARD", "DTSTART:16010101T000000", "TZOFFSETFROM:+0530", "TZOFFSETTO:+0530", "END:STANDARD",
            "END:VTIMEZONE",
            "BEGIN:VEVENT", "UID:a", "DTSTART;TZID=Office Time:20261124T100000", "END:VEVENT",
        ])
        let document = try ICalendar.parse(text, fileName: "fixed.ics")
        let range = ICalendar.defaultRange(around: utc("2026-11-24T00:00:00Z"))
        let instance = try #require(try document.expand(range: range).first)
        #expect(instance.start == .instant(utc("2026-11-24T04:30:00Z")))
        #expect(document.timeZoneIDs == ["Office Time"])
    }

    @Test func utcOffsetsAreRead() {
        #expect(TimeZoneResolver.parseOffset("+0100") == 3600)
        #expect(TimeZoneResolver.parseOffset("-0530") == -19_800)
        #expect(TimeZoneResolver.parseOffset("+001530") == 930)
        #expect(TimeZoneResolver.parseOffset("0100") == nil)
    }

    @Test func vtimezoneRulesUnderADisplayNameMatchTheIANAZone() throws {
        // Given an older Outlook file naming zones by their display names, with VTIMEZONE rules
        let document = try parseFixture("vendors/outlook-display-names.ics")

        // When it is expanded
        let instances = try document.expand(range: ICalendar.defaultRange(around: utc("2026-07-01T00:00:00Z")))

        // Then the rules are matched to the IANA zones that follow them, summer and winter
        #expect(instances.map(\.timeZone.identifier) == ["Europe/Berlin", "America/New_York"])
        #expect(instances.map(\.start) == [
            .instant(utc("2026-07-15T07:00:00Z")), .instant(utc("2026-12-02T14:00:00Z")),
        ])
    }

    @Test func vtimezoneRulesNoZoneFollowsAreRefused() throws {
        // Given a VTIMEZONE whose daylight saving starts in February, which no zone does
        let text = calendar([
            "BEGIN:VTIMEZONE", "TZID:Invented Time",
            "BEGIN:STANDARD", "DTSTART:16011028T030000", "RRULE:FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10",
            "TZOFFSETFROM:+0400", "TZOFFSETTO:+0300", "END:STANDARD",
            "BEGIN:DAYLIGHT", "DTSTART:16010201T020000", "RRULE:FREQ=YEARLY;BYDAY=1SU;BYMONTH=2",
            "TZOFFSETFROM:+0300", "TZOFFSETTO:+0400", "END:DAYLIGHT",
            "END:VTIMEZONE",
            "BEGIN:VEVENT", "UID:a", "DTSTART;TZID=Invented Time:20261124T100000", "END:VEVENT",
        ])

        // Then the file is refused at the DTSTART that uses it
        let error = #expect(throws: ICalError.self) { try ICalendar.parse(text, fileName: "invented.ics") }
        #expect(error?.code == .unknownTimeZone)
        #expect(error?.line == 21)
    }
}
