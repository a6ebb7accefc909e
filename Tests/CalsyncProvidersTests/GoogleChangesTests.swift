import CalsyncEmulator
import CalsyncModel
import CalsyncProviders
import CalsyncTesting
import Foundation
import Testing

@Suite struct GoogleChangesTests {
    static let day: TimeInterval = 86_400
    static let eventsPath = "/google/calendar/v3/calendars/primary/events"

    /// Creates `summary` as the owner; returns its id.
    @discardableResult
    static func create(_ rig: CalendarRig, _ event: CalsyncEmulator.JSONValue) async throws -> String {
        let created = try await rig.harness.createEvent(vendor: .google, calendarID: World.googleEmail, event)
        return try #require(created["id"]?.stringValue)
    }

    @Test func fullReadFollowsEveryPageAndKeepsToTheWindow() async throws {
        let rig = try await CalendarRig.start(.google)
        defer { Task { await rig.harness.stop() } }
        // Given seven events inside the window and two outside it
        for index in 0..<7 {
            try await Self.create(rig, OwnerEvent.google("in \(index)", start: World.start.addingTimeInterval(Double(index) * Self.day)))
        }
        try await Self.create(rig, OwnerEvent.google("long ago", start: World.start.addingTimeInterval(-60 * Self.day)))
        try await Self.create(rig, OwnerEvent.google("far ahead", start: World.start.addingTimeInterval(400 * Self.day)))
        let client = try rig.google(pageSize: 3)
        // When
        let round = try await client.changes(calendarId: "primary", cursor: nil, window: CalendarRig.window)
        // Then every page was read, and only the window's events came back
        #expect(round.isFull)
        #expect(!round.cursor.isEmpty)
        #expect(Set(round.events.map(\.title)) == Set((0..<7).map { "in \($0)" }))
        #expect(round.leftWindow.isEmpty)
        #expect(try await rig.sent("GET", Self.eventsPath) == 3)
        let first = try #require(round.events.first { $0.title == "in 0" })
        #expect(first.start == .instant(World.start))
        #expect(first.end == .instant(World.start.addingTimeInterval(3600)))
        #expect(first.etag?.isEmpty == false)
        #expect(first.updatedAt == World.start)
        #expect(first.stamp == nil)
    }

    @Test func incrementalReadReportsOwnerEditsDeletesSeriesAllDayAndTimeZones() async throws {
        let rig = try await CalendarRig.start(.google)
        defer { Task { await rig.harness.stop() } }
        let kept = try await Self.create(rig, OwnerEvent.google("kept", start: World.start.addingTimeInterval(Self.day)))
        let renamed = try await Self.create(rig, OwnerEvent.google("old name", start: World.start.addingTimeInterval(2 * Self.day)))
        let removed = try await Self.create(rig, OwnerEvent.google("removed", start: World.start.addingTimeInterval(3 * Self.day)))
        let moved = try await Self.create(rig, OwnerEvent.google("moved", start: World.start.addingTimeInterval(4 * Self.day)))
        let client = try rig.google()
        let full = try await client.changes(calendarId: "primary", cursor: nil, window: CalendarRig.window)
        #expect(full.events.count == 4)
        // Given the owner edits the calendar
        try await rig.harness.updateEvent(vendor: .google, calendarID: World.googleEmail, eventID: renamed, ["summary": "new name"])
        try await rig.harness.deleteEvent(vendor: .google, calendarID: World.googleEmail, eventID: removed)
        let far = World.start.addingTimeInterval(500 * Self.day)
        try await rig.harness.updateEvent(
            vendor: .google, calendarID: World.googleEmail, eventID: moved,
            ["start": ["dateTime": .string(RFC3339.string(far))],
             "end": ["dateTime": .string(RFC3339.string(far.addingTimeInterval(3600)))]])
        let berlin = try await Self.create(
            rig, OwnerEvent.google("berlin", start: World.start.addingTimeInterval(5 * Self.day), timeZone: "Europe/Berlin"))
        let allDay = try await Self.create(
            rig, ["summary": "holiday", "start": ["date": "2026-01-10"], "end": ["date": "2026-01-11"]])
        let series = try await Self.create(
            rig,
            OwnerEvent.google(
                "weekly", start: World.start.addingTimeInterval(7 * Self.day), timeZone: "Europe/Berlin",
                extra: ["recurrence": ["RRULE:FREQ=WEEKLY;COUNT=3"]]))
        // When
        let round = try await client.changes(calendarId: "primary", cursor: full.cursor, window: CalendarRig.window)
        // Then only the changes, each as the vendor now has it
        #expect(!round.isFull)
        #expect(round.cursor != full.cursor)
        let byTitle = Dictionary(round.events.map { ($0.title, $0) }, uniquingKeysWith: { first, _ in first })
        #expect(byTitle["kept"] == nil)
        #expect(byTitle["new name"]?.id == renamed)
        #expect(round.events.first { $0.id == removed }?.isDeleted == true)
        #expect(round.leftWindow == [moved])
        let zoned = try #require(byTitle["berlin"])
        #expect(zoned.id == berlin)
        #expect(zoned.timeZone == "Europe/Berlin")
        #expect(zoned.start == .instant(World.start.addingTimeInterval(5 * Self.day)))
        let holiday = try #require(byTitle["holiday"])
        #expect(holiday.id == allDay)
        #expect(holiday.start == .date(try #require(DayDate(iso: "2026-01-10"))))
        #expect(holiday.end == .date(try #require(DayDate(iso: "2026-01-11"))))
        #expect(holiday.timeZone == nil)
        let instances = round.events.filter { $0.seriesID == series }
        #expect(instances.count == 3)
        #expect(Set(instances.map(\.id)).count == 3)
        #expect(instances.allSatisfy { $0.id.hasPrefix(series + "_") && $0.title == "weekly" })
        #expect(!round.events.contains { $0.id == kept })
        // When nothing changed since, then an empty round
        let quiet = try await client.changes(calendarId: "primary", cursor: round.cursor, window: CalendarRig.window)
        #expect(quiet.events.isEmpty && quiet.leftWindow.isEmpty)
    }

    @Test func incrementalReadsSendTheSameParametersWithTheSyncTokenInsteadOfTheWindow() async throws {
        let rig = try await CalendarRig.start(.google)
        defer { Task { await rig.harness.stop() } }
        let client = try rig.google()
        let full = try await client.changes(calendarId: "primary", cursor: nil, window: CalendarRig.window)
        // Given a syncToken may not be combined with timeMin/timeMax (the emulator answers 400 if it is)
        try await Self.create(rig, OwnerEvent.google("later", start: World.start.addingTimeInterval(Self.day)))
        // When, then the incremental read is accepted
        let round = try await client.changes(calendarId: "primary", cursor: full.cursor, window: CalendarRig.window)
        #expect(round.events.map(\.title) == ["later"])
    }

    @Test func anInvalidatedSyncTokenIsCursorExpired() async throws {
        let rig = try await CalendarRig.start(.google)
        defer { Task { await rig.harness.stop() } }
        let client = try rig.google()
        let full = try await client.changes(calendarId: "primary", cursor: nil, window: CalendarRig.window)
        // Given Google dropped the sync state
        try await rig.harness.invalidateGoogleSyncTokens(calendarID: World.googleEmail)
        // When, then
        do {
            _ = try await client.changes(calendarId: "primary", cursor: full.cursor, window: CalendarRig.window)
            Issue.record("an invalidated sync token was accepted")
        } catch let error as CursorExpired {
            #expect(error.message == "Sync token is no longer valid, a full sync is required.")
        }
        // And a full read starts over
        #expect(try await client.changes(calendarId: "primary", cursor: nil, window: CalendarRig.window).isFull)
    }
}
