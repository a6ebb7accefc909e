import CalsyncEmulator
import CalsyncModel
import CalsyncProviders
import CalsyncTesting
import Foundation
import Testing

@Suite struct GraphChangesTests {
    static let day: TimeInterval = 86_400

    /// Creates an event as the owner; returns its id.
    @discardableResult
    static func create(_ rig: CalendarRig, _ calendarID: String, _ event: CalsyncEmulator.JSONValue) async throws -> String {
        let created = try await rig.harness.createEvent(vendor: .microsoft, calendarID: calendarID, event)
        return try #require(created["id"]?.stringValue)
    }

    @Test func fullReadFollowsEveryNextLinkWithThePageSizeAndKeepsToTheWindow() async throws {
        let rig = try await CalendarRig.start(.microsoft)
        defer { Task { await rig.harness.stop() } }
        let client = try rig.graph(pageSize: 2)
        let calendarID = try await client.calendar("calendar").id
        // Given five events inside the window and two outside it
        for index in 0..<5 {
            try await Self.create(rig, calendarID, OwnerEvent.graph("in \(index)", start: World.start.addingTimeInterval(Double(index) * Self.day)))
        }
        try await Self.create(rig, calendarID, OwnerEvent.graph("long ago", start: World.start.addingTimeInterval(-60 * Self.day)))
        try await Self.create(rig, calendarID, OwnerEvent.graph("far ahead", start: World.start.addingTimeInterval(400 * Self.day)))
        try await rig.harness.resetRequests()
        // When
        let round = try await client.changes(calendarId: "calendar", cursor: nil, window: CalendarRig.window)
        // Then three pages of at most two, only the window's events, and the delta link as cursor
        #expect(round.isFull)
        #expect(round.cursor.contains("$deltatoken="))
        #expect(Set(round.events.map(\.title)) == Set((0..<5).map { "in \($0)" }))
        #expect(round.leftWindow.isEmpty)
        let pages = try await rig.vendorRequests().filter { $0.path.hasSuffix("/calendarView/delta") }
        #expect(pages.count == 3)
        let first = try #require(round.events.first { $0.title == "in 0" })
        #expect(first.start == .instant(World.start))
        #expect(first.end == .instant(World.start.addingTimeInterval(3600)))
        #expect(first.etag?.hasPrefix("W/\"") == true)
        #expect(first.updatedAt == World.start)
    }

    @Test func incrementalReadReportsOwnerEditsRemovalsOccurrencesAllDayAndTimeZones() async throws {
        let rig = try await CalendarRig.start(.microsoft)
        defer { Task { await rig.harness.stop() } }
        let client = try rig.graph()
        let calendarID = try await client.calendar("calendar").id
        let kept = try await Self.create(rig, calendarID, OwnerEvent.graph("kept", start: World.start.addingTimeInterval(Self.day)))
        let renamed = try await Self.create(rig, calendarID, OwnerEvent.graph("old name", start: World.start.addingTimeInterval(2 * Self.day)))
        let removed = try await Self.create(rig, calendarID, OwnerEvent.graph("removed", start: World.start.addingTimeInterval(3 * Self.day)))
        let moved = try await Self.create(rig, calendarID, OwnerEvent.graph("moved", start: World.start.addingTimeInterval(4 * Self.day)))
        let full = try await client.changes(calendarId: "calendar", cursor: nil, window: CalendarRig.window)
        #expect(full.events.count == 4)
        // Given the owner edits the calendar
        try await rig.harness.updateEvent(vendor: .microsoft, calendarID: calendarID, eventID: renamed, ["subject": "new name"])
        try await rig.harness.deleteEvent(vendor: .microsoft, calendarID: calendarID, eventID: removed)
        let far = World.start.addingTimeInterval(500 * Self.day)
        try await rig.harness.updateEvent(
            vendor: .microsoft, calendarID: calendarID, eventID: moved,
            ["start": ["dateTime": .string(String(RFC3339.string(far).dropLast())), "timeZone": "UTC"],
             "end": ["dateTime": .string(String(RFC3339.string(far.addingTimeInterval(3600)).dropLast())), "timeZone": "UTC"]])
        let berlin = try await Self.create(
            rig, calendarID,
            ["subject": "berlin", "start": ["dateTime": "2026-01-10T10:00:00", "timeZone": "Europe/Berlin"],
             "end": ["dateTime": "2026-01-10T11:00:00", "timeZone": "Europe/Berlin"],
             "originalStartTimeZone": "Europe/Berlin", "body": ["contentType": "text", "content": "agenda"],
             "location": ["displayName": "Room 1"]])
        let allDay = try await Self.create(
            rig, calendarID,
            ["subject": "holiday", "isAllDay": true, "start": ["dateTime": "2026-01-12T00:00:00", "timeZone": "UTC"],
             "end": ["dateTime": "2026-01-13T00:00:00", "timeZone": "UTC"]])
        let series = try await Self.create(
            rig, calendarID,
            OwnerEvent.graph(
                "weekly", start: World.start.addingTimeInterval(7 * Self.day),
                extra: ["recurrence": [
                    "pattern": ["type": "weekly", "interval": 1, "daysOfWeek": ["monday"]],
                    "range": ["type": "numbered", "startDate": "2026-01-12", "numberOfOccurrences": 3],
                ]]))
        // When
        let round = try await client.changes(calendarId: "calendar", cursor: full.cursor, window: CalendarRig.window)
        // Then only the changes, each as the vendor now has it
        #expect(!round.isFull)
        #expect(round.cursor != full.cursor)
        let byTitle = Dictionary(round.events.map { ($0.title, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(!round.events.contains { $0.id == kept })
        #expect(byTitle["new name"]?.id == renamed)
        #expect(round.events.first { $0.id == removed }?.isDeleted == true)
        #expect(round.leftWindow == [moved])
        let zoned = try #require(byTitle["berlin"])
        #expect(zoned.id == berlin)
        #expect(zoned.timeZone == "Europe/Berlin")
        #expect(zoned.start == .instant(try #require(RFC3339.date("2026-01-10T09:00:00Z"))))
        #expect(zoned.description == "agenda" && zoned.location == "Room 1")
        let holiday = try #require(byTitle["holiday"])
        #expect(holiday.id == allDay)
        #expect(holiday.start == .date(try #require(DayDate(iso: "2026-01-12"))))
        #expect(holiday.end == .date(try #require(DayDate(iso: "2026-01-13"))))
        #expect(holiday.timeZone == nil)
        let occurrences = round.events.filter { $0.seriesID == series }
        #expect(occurrences.count == 3)
        #expect(occurrences.allSatisfy { $0.title == "weekly" && $0.id.hasPrefix(series + "_") })
        // When nothing changed since, then an empty round
        let quiet = try await client.changes(calendarId: "calendar", cursor: round.cursor, window: CalendarRig.window)
        #expect(quiet.events.isEmpty && quiet.leftWindow.isEmpty)
    }

    @Test func everyDeltaPageIsRequestedWithThePageSize() async throws {
        let rig = try await CalendarRig.start(.microsoft)
        defer { Task { await rig.harness.stop() } }
        let client = try rig.graph(pageSize: 1)
        let calendarID = try await client.calendar("calendar").id
        for index in 0..<3 {
            try await Self.create(rig, calendarID, OwnerEvent.graph("e\(index)", start: World.start.addingTimeInterval(Double(index) * Self.day)))
        }
        // Given a one-event page size, when reading, then Graph applied it on every page (three pages)
        let round = try await client.changes(calendarId: "calendar", cursor: nil, window: CalendarRig.window)
        #expect(round.events.count == 3)
        let pages = try await rig.vendorRequests().filter { $0.path.hasSuffix("/calendarView/delta") }
        #expect(pages.count == 3)
    }

    @Test func anInvalidatedDeltaLinkIsCursorExpired() async throws {
        let rig = try await CalendarRig.start(.microsoft)
        defer { Task { await rig.harness.stop() } }
        let client = try rig.graph()
        let calendarID = try await client.calendar("calendar").id
        let full = try await client.changes(calendarId: "calendar", cursor: nil, window: CalendarRig.window)
        // Given Graph dropped the sync state
        try await rig.harness.invalidateGraphDelta(calendarID: calendarID)
        // When, then
        do {
            _ = try await client.changes(calendarId: "calendar", cursor: full.cursor, window: CalendarRig.window)
            Issue.record("an invalidated delta link was accepted")
        } catch let error as CursorExpired {
            #expect(error.message.hasPrefix("The sync state generation is not found"))
        }
        #expect(try await client.changes(calendarId: "calendar", cursor: nil, window: CalendarRig.window).isFull)
    }

    @Test func aCursorForAnotherHostIsRefusedWithoutSendingTheToken() async throws {
        let rig = try await CalendarRig.start(.microsoft)
        defer { Task { await rig.harness.stop() } }
        let client = try rig.graph()
        do {
            _ = try await client.changes(
                calendarId: "calendar", cursor: "https://attacker.example/v1.0/me/calendarView/delta?$deltatoken=x",
                window: CalendarRig.window)
            Issue.record("a foreign delta link was followed")
        } catch let error as CalendarClientError {
            #expect(error.isInvalidArgument)
        }
        #expect(try await rig.vendorRequests().isEmpty)
        #expect(await rig.refreshes.tokenSets.isEmpty)
    }
}
