import CalsyncEmulator
import CalsyncTesting
import Foundation
import Testing

/// Request validation rules of both vendors that the feature tests do not already cover.
@Suite struct ValidationTests {
    @Test func googleListParameterRules() async throws {
        let session = try await Session.start()
        // orderBy=startTime needs singleEvents
        #expect(try await session.google("GET", "/calendars/primary/events?orderBy=startTime").status == 400)
        // an empty time range
        let empty = try await session.google("GET", "/calendars/primary/events?timeMin=2026-02-01T00:00:00Z&timeMax=2026-01-01T00:00:00Z")
        #expect(empty.status == 400)
        #expect(empty.json?["error"]?["errors"]?.arrayValue?.first?["reason"] == "timeRangeEmpty")
        // maxResults above 2500 is capped, zero is refused
        #expect(try await session.google("GET", "/calendars/primary/events?maxResults=5000").status == 200)
        #expect(try await session.google("GET", "/calendars/primary/events?maxResults=0").status == 400)
        // a foreign page token is refused
        #expect(try await session.google("GET", "/calendars/primary/events?pageToken=garbage").status == 400)
        await session.stop()
    }

    @Test func googleDeleteHonoursIfMatch() async throws {
        let session = try await Session.start()
        let created = try await session.google("POST", "/calendars/primary/events", json: GoogleEventsTests.event)
        let id = created.json?["id"]?.stringValue ?? ""
        let stale = try await session.google("DELETE", "/calendars/primary/events/\(id)", headers: ["If-Match": "\"1\""])
        #expect(stale.status == 412)
        let etag = created.json?["etag"]?.stringValue ?? ""
        #expect(try await session.google("DELETE", "/calendars/primary/events/\(id)", headers: ["If-Match": etag]).status == 204)
        await session.stop()
    }

    @Test func graphDeltaRefusesUnsupportedQueryOptions() async throws {
        let session = try await Session.start()
        let result = try await session.graph("GET", "/me/calendarView/delta?\(GraphDeltaTests.window)&$select=subject")
        #expect(result.status == 400)
        await session.stop()
    }

    @Test func graphSubscriptionNeedsASupportedResource() async throws {
        let session = try await Session.start()
        let receiver = try await WebhookReceiver.start()
        let later = ISO8601DateFormatter().string(from: try await session.harness.now().addingTimeInterval(3600))
        let result = try await session.graph("POST", "/subscriptions", json: [
            "changeType": "created", "notificationUrl": .string(receiver.url + "/hook"), "resource": "me/messages",
            "expirationDateTime": .string(later),
        ])
        #expect(result.status == 400)
        // No handshake was attempted for a refused request
        #expect(await receiver.requests().isEmpty)
        await receiver.stop()
        await session.stop()
    }

    @Test func microsoftCodesExpireAfterTenMinutes() async throws {
        let harness = try await EmulatorHarness.start(fixture: Fixtures.world)
        let (_, items) = try await MicrosoftOAuthTests.authorize(harness)
        try await harness.advanceClock(by: 601)
        let result = try await MicrosoftOAuthTests.exchange(harness, code: items["code"] ?? "")
        #expect(result.status == 400)
        #expect(result.json?["error_codes"] == [70008])
        await harness.stop()
    }

    @Test func microsoftRedirectMismatchIsRefused() async throws {
        let harness = try await EmulatorHarness.start(fixture: Fixtures.world)
        let (result, _) = try await MicrosoftOAuthTests.authorize(harness, redirect: "https://evil.example/callback")
        #expect(result.status == 400)
        #expect(result.json?["error_codes"] == [50011])
        await harness.stop()
    }

    @Test func deterministicIdsFromTheSeed() async throws {
        // Given two emulators with the same seed
        let first = try await Session.start()
        let second = try await Session.start()
        // When the same event is created in each
        let a = try await first.google("POST", "/calendars/primary/events", json: GoogleEventsTests.event).json?["id"]
        let b = try await second.google("POST", "/calendars/primary/events", json: GoogleEventsTests.event).json?["id"]
        // Then the generated ids match
        #expect(a != nil)
        #expect(a == b)
        await first.stop()
        await second.stop()
    }
}
