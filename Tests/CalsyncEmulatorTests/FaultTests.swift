import CalsyncEmulator
import CalsyncTesting
import Foundation
import Testing

@Suite struct FaultTests {
    @Test func statusFaultsUseTheVendorBodyAndRetryAfterForCountRequests() async throws {
        let session = try await Session.start()
        try await session.harness.injectFault(FaultRule(path: "/google/calendar/v3/calendars/{calendarId}/events", status: 429, retryAfter: 3, count: 1))
        let throttled = try await session.google("GET", "/calendars/primary/events")
        #expect(throttled.status == 429)
        #expect(throttled.header("retry-after") == "3")
        #expect(throttled.json?["error"]?["errors"]?.arrayValue?.first?["reason"] == "rateLimitExceeded")
        #expect(try await session.google("GET", "/calendars/primary/events").status == 200)
        // Graph shape, by path glob
        try await session.harness.injectFault(FaultRule(method: "GET", path: "/graph/v1.0/me/**", status: 503, retryAfter: 1))
        let unavailable = try await session.graph("GET", "/me/calendars")
        #expect(unavailable.status == 503)
        #expect(unavailable.json?["error"]?["code"] == "ServiceNotAvailable")
        #expect(unavailable.header("retry-after") == "1")
        try await session.harness.clearFaults()
        #expect(try await session.graph("GET", "/me/calendars").status == 200)
        // A custom body
        try await session.harness.injectFault(FaultRule(path: "/google/calendar/v3/calendars/*/events", status: 403, body: ["error": ["code": 403, "message": "Calendar usage limits exceeded.", "errors": [["domain": "usageLimits", "reason": "quotaExceeded", "message": "Calendar usage limits exceeded."]]]], count: 1))
        #expect(try await session.google("GET", "/calendars/primary/events").json?["error"]?["errors"]?.arrayValue?.first?["reason"] == "quotaExceeded")
        await session.stop()
    }

    @Test func dropBeforeChangesNothingAndDropAfterLosesOnlyTheAnswer() async throws {
        let session = try await Session.start()
        var body = GoogleEventsTests.event.objectValue ?? [:]
        body["id"] = "dropped01"
        // A fresh client per dropped request: on a reused keep-alive connection URLSession may retry by itself
        func postOnNewConnection() async throws {
            let client = HTTPClient()
            defer { client.shutdown() }
            _ = try await client.send(
                "POST", session.harness.googleBaseURL + "/calendar/v3/calendars/primary/events",
                headers: ["Authorization": "Bearer \(session.googleToken)", "Content-Type": "application/json"],
                body: JSONValue.object(body).serialized())
        }
        try await session.harness.injectFault(FaultRule(method: "POST", path: "/google/calendar/v3/calendars/{calendarId}/events", drop: .before, count: 1))
        await #expect(throws: (any Error).self) { try await postOnNewConnection() }
        #expect(try await session.harness.events(vendor: .google, calendarID: Fixtures.googleEmail).isEmpty)
        try await session.harness.injectFault(FaultRule(method: "POST", path: "/google/calendar/v3/calendars/{calendarId}/events", drop: .after, count: 1))
        await #expect(throws: (any Error).self) { try await postOnNewConnection() }
        #expect(try await session.harness.events(vendor: .google, calendarID: Fixtures.googleEmail).count == 1)
        // The retry with the same client-chosen id is a 409
        #expect(try await session.google("POST", "/calendars/primary/events", json: .object(body)).status == 409)
        await session.stop()
    }

    @Test func aMailboxAnswersItsFifthRequestInFlightWith429() async throws {
        let session = try await Session.start()
        // Given a second token of the same mailbox, and calendar listings that take 400 ms
        let other = try await session.harness.issueToken(vendor: .microsoft, email: Fixtures.microsoftEmail, clientId: "ms-client")
        try await session.harness.injectFault(FaultRule(method: "GET", path: "/graph/v1.0/me/calendars", delayMilliseconds: 400))
        // When six listings of the mailbox start at once, three with each token
        let answers = try await withThrowingTaskGroup(of: HTTPResult.self) { group in
            for index in 0..<6 {
                let token = index % 2 == 0 ? session.graphToken : other.accessToken
                group.addTask {
                    try await session.harness.send("GET", "/graph/v1.0/me/calendars", headers: ["Authorization": "Bearer \(token)"])
                }
            }
            return try await group.reduce(into: [HTTPResult]()) { $0.append($1) }
        }
        // Then four were answered and two throttled as Outlook throttles, whichever token they carried
        #expect(answers.map(\.status).sorted() == [200, 200, 200, 200, 429, 429])
        let throttled = try #require(answers.first { $0.status == 429 })
        #expect(throttled.json?["error"]?["code"] == "TooManyRequests")
        #expect(throttled.header("retry-after") == "1")
        // And once they are answered, all four slots are free again
        let again = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<4 {
                group.addTask { try await session.graph("GET", "/me/calendars").status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(again == [200, 200, 200, 200])
        await session.stop()
    }

    @Test func delayAndProbability() async throws {
        let session = try await Session.start()
        try await session.harness.injectFault(FaultRule(path: "/google/calendar/v3/users/me/calendarList", delayMilliseconds: 200, count: 1))
        let started = ContinuousClock.now
        #expect(try await session.google("GET", "/users/me/calendarList").status == 200)
        #expect(ContinuousClock.now - started >= .milliseconds(200))
        try await session.harness.injectFault(FaultRule(path: "/google/calendar/v3/calendars/primary", status: 500, probability: 0))
        #expect(try await session.google("GET", "/calendars/primary").status == 200)
        try await session.harness.clearFaults()
        try await session.harness.injectFault(FaultRule(path: "/google/calendar/v3/calendars/primary", status: 500, probability: 1))
        #expect(try await session.google("GET", "/calendars/primary").status == 500)
        await session.stop()
    }
}
