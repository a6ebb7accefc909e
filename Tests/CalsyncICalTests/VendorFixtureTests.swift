import Foundation
import Testing

@testable import CalsyncICal

/// The import range of the vendor fixtures.
private let fixtureRange = DateInterval(start: utc("2026-10-01T00:00:00Z"), end: utc("2027-12-31T00:00:00Z"))

/// An instance as one line of a `.expected` file: `KEY START END ZONE TITLE`.
private func line(_ instance: ICalInstance) -> String {
    "\(instance.key) \(instance.start) \(instance.end) \(instance.timeZone.identifier) \(instance.title)"
}

/// Turns imported instances into the events an export writes, as calsync entries would.
private func exportEvents(_ instances: [ICalInstance]) -> [ICalExportEvent] {
    instances.map { instance in
        ICalExportEvent(
            uid: instance.key.description, title: instance.title, description: instance.description,
            location: instance.location, start: instance.start, end: instance.end,
            timeZone: instance.isAllDay ? nil : instance.timeZone, sequence: instance.revision.sequence)
    }
}

@Suite("Files exported by Google Calendar, Outlook, Apple Calendar and Thunderbird")
struct VendorFixtureTests {
    @Test(arguments: ["google", "outlook", "apple", "thunderbird"])
    func importsTheInstancesTheVendorShows(_ vendor: String) throws {
        // Given a file in the shape the vendor exports, and the instances its UI would show
        let expected = String(decoding: try fixture("vendors/\(vendor).expected"), as: UTF8.self)
            .split(separator: "\n").map(String.init)

        // When it is imported
        let document = try parseFixture("vendors/\(vendor).ics")
        let instances = try document.expand(range: fixtureRange)

        // Then every instance has the expected key, instants, zone and title, in order
        #expect(instances.map(line) == expected)
    }

    @Test(arguments: ["google", "outlook", "apple", "thunderbird"])
    func roundTripsThroughExportToTheSameInstants(_ vendor: String) throws {
        // Given the instances imported from a vendor file
        let instances = try parseFixture("vendors/\(vendor).ics").expand(range: fixtureRange)

        // When they are exported and the export is imported again
        let exported = ICalendar.export(
            exportEvents(instances), prodID: "-//calsync//calsync//EN", now: utc("2026-11-25T12:00:00Z"))
        let reimported = try ICalendar.parse(exported, fileName: "\(vendor)-export.ics").expand(range: fixtureRange)

        // Then each entry comes back with the same instants and text, keyed by the old key
        #expect(reimported.count == instances.count)
        let byUID = Dictionary(uniqueKeysWithValues: reimported.map { ($0.key.uid, $0) })
        for instance in instances {
            let copy = try #require(byUID[instance.key.description])
            #expect(copy.start == instance.start)
            #expect(copy.end == instance.end)
            #expect(copy.title == instance.title)
            #expect(copy.description == instance.description)
            #expect(copy.location == instance.location)
            if !instance.isAllDay {
                #expect(copy.timeZone.identifier == instance.timeZone.identifier)
            }
        }
    }

    @Test func googleTextKeepsEscapesAndUnicode() throws {
        // Given Google's export with escaped commas, semicolons, backslashes and line breaks
        let instances = try parseFixture("vendors/google.ics").expand(range: fixtureRange)

        // When the café event is looked up
        let cafe = try #require(instances.first { $0.key.uid == "c4f3p1ann1ng@google.com" })

        // Then its text is unescaped exactly
        #expect(cafe.title == "Café planning ☕")
        #expect(cafe.description == "Menu:\n- espresso\n- croissants; oat milk\\soy milk")
        #expect(cafe.location == "Café Zentral, Berlin")
        let standup = try #require(instances.first { $0.title == "Standup" })
        #expect(standup.description == "Daily sync, agenda: https://docs.example.com/agenda\nBring blockers.")
    }

    @Test func outlookFoldedLinesAndWindowsZonesAreRead() throws {
        // Given Outlook's export, whose UID and DESCRIPTION are folded and whose zones are Windows names
        let document = try parseFixture("vendors/outlook.ics")

        // When it is read
        let series = try #require(document.events.first { $0.recurrenceID == nil && $0.isRecurring })

        // Then the folded lines are whole again and the VTIMEZONE names are recorded
        #expect(series.uid.count == 112)
        #expect(series.description.contains("<https://teams.microsoft.com/l/meetup-join/19%3ameeting_"))
        #expect(series.description.hasSuffix("____\n"))
        #expect(document.timeZoneIDs == ["Pacific Standard Time", "W. Europe Standard Time"])
        #expect(series.zone.identifier == "America/Los_Angeles")
        #expect(document.events.count == 4)
    }

    @Test func appleAlarmsAndStructuredLocationsAreIgnored() throws {
        // Given Apple's export with VALARM and X-APPLE properties
        let document = try parseFixture("vendors/apple.ics")

        // When it is read
        let club = try #require(document.events.first { $0.title == "Book club" })

        // Then the plain LOCATION is used and the alarm did not become an event
        #expect(club.location == "Library\n100 Main St, Springfield")
        #expect(document.events.count == 4)
        #expect(document.defaultTimeZone.identifier == "America/New_York")
    }
}
