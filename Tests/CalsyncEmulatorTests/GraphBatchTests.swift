import CalsyncEmulator
import CalsyncTesting
import Foundation
import Testing

@Suite struct GraphBatchTests {
    @Test func subRequestsCarryTheirOwnStatuses() async throws {
        let session = try await Session.start()
        let batch: JSONValue = ["requests": [
            ["id": "1", "method": "POST", "url": "/me/events", "headers": ["Content-Type": "application/json"], "body": GraphEventsTests.event],
            ["id": "2", "method": "GET", "url": "/me/events/missing"],
            ["id": "3", "method": "GET", "url": "/me/calendars", "dependsOn": ["2"]],
        ]]
        try await session.harness.resetRequests()
        let result = try await session.graph("POST", "/$batch", json: batch)
        #expect(result.status == 200)
        let responses = result.json?["responses"]?.arrayValue ?? []
        func status(_ id: String) -> Int? { responses.first { $0["id"]?.stringValue == id }?["status"]?.intValue }
        #expect(status("1") == 201)
        #expect(status("2") == 404)
        #expect(status("3") == 424)
        #expect(responses.first { $0["id"] == "1" }?["body"]?["subject"] == "Planning")
        // The log tells the one HTTP request from the sub-requests it carried.
        let log = try await session.harness.requests().entries.filter { $0.path.hasPrefix("/graph") }
        #expect(log.map(\.route) == ["/graph/v1.0/$batch", "/graph/v1.0/me/events", "/graph/v1.0/me/events/{eventId}"])
        #expect(log.map { $0.batched == true } == [false, true, true])
        await session.stop()
    }

    @Test func moreThanTwentyIsRefused() async throws {
        let session = try await Session.start()
        let requests: [JSONValue] = (1...21).map { ["id": .string(String($0)), "method": "GET", "url": "/me/calendar"] }
        let result = try await session.graph("POST", "/$batch", json: ["requests": .array(requests)])
        #expect(result.status == 400)
        #expect(result.json?["error"]?["code"] == "BadRequest")
        let twenty: [JSONValue] = (1...20).map { ["id": .string(String($0)), "method": "GET", "url": "/me/calendar"] }
        #expect(try await session.graph("POST", "/$batch", json: ["requests": .array(twenty)]).status == 200)
        await session.stop()
    }

    @Test func innerRequestsAreThrottledIndividually() async throws {
        let session = try await Session.start()
        try await session.harness.injectFault(FaultRule(method: "POST", path: "/graph/v1.0/me/events", status: 429, retryAfter: 7, count: 1))
        let batch: JSONValue = ["requests": [
            ["id": "a", "method": "POST", "url": "/me/events", "body": GraphEventsTests.event],
            ["id": "b", "method": "POST", "url": "/me/events", "body": GraphEventsTests.event],
        ]]
        let result = try await session.graph("POST", "/$batch", json: batch)
        #expect(result.status == 200)
        let responses = result.json?["responses"]?.arrayValue ?? []
        let throttled = responses.first { $0["id"] == "a" }
        #expect(throttled?["status"] == 429)
        #expect(throttled?["headers"]?["Retry-After"] == "7")
        #expect(throttled?["body"]?["error"]?["code"] == "TooManyRequests")
        #expect(responses.first { $0["id"] == "b" }?["status"] == 201)
        await session.stop()
    }
}
