import CalsyncEmulator
import CalsyncTesting
import Foundation
import Testing

@Suite struct ControlTests {
    @Test func virtualClockMovesOnlyWhenTold() async throws {
        let harness = try await EmulatorHarness.start()
        #expect(try await harness.now() == EmulatorHarness.defaultStart)
        try await harness.advanceClock(by: 90)
        #expect(try await harness.now() == EmulatorHarness.defaultStart.addingTimeInterval(90))
        let target = Date(timeIntervalSince1970: 1_800_000_000)
        try await harness.setClock(to: target)
        #expect(try await harness.now() == target)
        await harness.stop()
    }

    @Test func requestLogCountsPerRoute() async throws {
        let session = try await Session.start()
        try await session.harness.resetRequests()
        _ = try await session.google("GET", "/calendars/primary/events")
        _ = try await session.google("GET", "/calendars/\(Fixtures.teamCalendar)/events")
        _ = try await session.graph("GET", "/me/events")
        let log = try await session.harness.requests()
        #expect(log.count("GET", "/google/calendar/v3/calendars/{calendarId}/events") == 2)
        #expect(log.count("GET", "/graph/v1.0/me/events") == 1)
        #expect(log.entries.first?.status == 200)
        #expect(log.entries.first?.query == nil)
        // The query is logged too, so a recorded sequence of requests can be sent again as it was.
        _ = try await session.google("GET", "/calendars/primary/events?maxResults=5&q=board%20meeting")
        let listed = try await session.harness.requests().entries.last { $0.path.hasSuffix("/events") }
        #expect(listed?.query == "maxResults=5&q=board%20meeting")
        try await session.harness.resetRequests()
        #expect(try await session.harness.requests().total == 1)  // the GET /_control/requests itself
        await session.stop()
    }

    @Test func resetForgetsEverything() async throws {
        let session = try await Session.start()
        _ = try await session.google("POST", "/calendars/primary/events", json: GoogleEventsTests.event)
        try await session.harness.reset()
        #expect(try await session.google("GET", "/calendars/primary/events").status == 401)
        try await session.harness.seed(Fixtures.world)
        #expect(try await session.harness.events(vendor: .google, calendarID: Fixtures.googleEmail).isEmpty)
        await session.stop()
    }

    @Test func seedLoadsEventsFromAFixture() async throws {
        let fixture = EmulatorFixture(accounts: [
            AccountFixture(vendor: .google, email: "dana@example.com", calendars: [CalendarFixture(name: "Dana", events: [
                Fixtures.googleEvent("Seeded", start: "2026-01-05T10:00:00Z", end: "2026-01-05T11:00:00Z", extra: ["id": "seeded001"]),
            ])]),
        ])
        let harness = try await EmulatorHarness.start(fixture: fixture)
        let events = try await harness.events(vendor: .google, calendarID: "dana@example.com")
        #expect(events.first?["id"] == "seeded001")
        #expect(events.first?["deleted"] == false)
        await harness.stop()
    }

    @Test func calendarsCanBeAddedToASeededAccount() async throws {
        let session = try await Session.start()
        let id = try await session.harness.addCalendar(vendor: .google, email: Fixtures.googleEmail, CalendarFixture(id: "extra@group.calendar.google.com", name: "Extra"))
        #expect(id == "extra@group.calendar.google.com")
        #expect(try await session.google("GET", "/calendars/\(id)").json?["summary"] == "Extra")
        // The primary calendar stays primary
        #expect(try await session.google("GET", "/calendars/primary").json?["id"]?.stringValue == Fixtures.googleEmail)
        await session.stop()
    }
}
