import CalsyncEmulator
import CalsyncTesting
import Foundation
import Testing

@Suite struct GooglePushTests {
    static func watch(_ session: Session, receiver: WebhookReceiver, id: String = "channel-1", token: String? = "secret-token", extra: [String: JSONValue] = [:]) async throws -> HTTPResult {
        var body: [String: JSONValue] = ["id": .string(id), "type": "web_hook", "address": .string(receiver.url + "/webhooks/google")]
        if let token { body["token"] = .string(token) }
        for (key, value) in extra { body[key] = value }
        return try await session.google("POST", "/calendars/primary/events/watch", json: .object(body))
    }

    @Test func watchSendsSyncThenExistsOnEveryChange() async throws {
        let session = try await Session.start()
        let receiver = try await WebhookReceiver.start()
        // When a channel is opened
        let watch = try await Self.watch(session, receiver: receiver)
        #expect(watch.status == 200)
        let channel = try #require(watch.json)
        #expect(channel["kind"] == "api#channel")
        #expect(channel["id"] == "channel-1")
        #expect(channel["token"] == "secret-token")
        let expiration = try #require(channel["expiration"]?.stringValue.flatMap { Int64($0) })
        let now = try await session.harness.now()
        #expect(expiration == Int64(now.timeIntervalSince1970 * 1000) + 604_800_000)
        // Then a sync message arrives first
        let sync = await receiver.waitForNotifications(1)
        let first = try #require(sync.first)
        #expect(first.headers["x-goog-resource-state"] == "sync")
        #expect(first.headers["x-goog-message-number"] == "1")
        #expect(first.headers["x-goog-channel-id"] == "channel-1")
        #expect(first.headers["x-goog-channel-token"] == "secret-token")
        #expect(first.headers["x-goog-resource-id"] == channel["resourceId"]?.stringValue)
        #expect(first.headers["x-goog-resource-uri"]?.contains("/calendars/\(Fixtures.googleEmail)/events") == true)
        #expect(first.headers["x-goog-channel-expiration"]?.hasSuffix(" GMT") == true)
        #expect(first.body.isEmpty)
        // When the owner creates and then edits an event
        let event = try await session.harness.createEvent(vendor: .google, calendarID: Fixtures.googleEmail, GoogleEventsTests.event)
        try await session.harness.updateEvent(vendor: .google, calendarID: Fixtures.googleEmail, eventID: event["id"]?.stringValue ?? "", ["summary": "x"])
        // Then exists messages follow with increasing numbers
        let all = await receiver.waitForNotifications(3)
        #expect(all.count == 3)
        #expect(all.dropFirst().allSatisfy { $0.headers["x-goog-resource-state"] == "exists" })
        #expect(all.map { $0.headers["x-goog-message-number"] ?? "" } == ["1", "2", "3"])
        await receiver.stop()
        await session.stop()
    }

    @Test func channelIdRulesAndStop() async throws {
        let session = try await Session.start()
        let receiver = try await WebhookReceiver.start()
        let watch = try await Self.watch(session, receiver: receiver)
        let resourceID = watch.json?["resourceId"]?.stringValue ?? ""
        // A duplicate id is refused
        let duplicate = try await Self.watch(session, receiver: receiver)
        #expect(duplicate.status == 400)
        #expect(duplicate.json?["error"]?["errors"]?.arrayValue?.first?["reason"] == "channelIdNotUnique")
        // Ids over 64 and tokens over 256 characters are refused
        #expect(try await Self.watch(session, receiver: receiver, id: String(repeating: "a", count: 65)).status == 400)
        #expect(try await Self.watch(session, receiver: receiver, id: "c2", token: String(repeating: "t", count: 257)).status == 400)
        // Stop ends pushes; stopping an unknown channel is 404
        let stop = try await session.google("POST", "/channels/stop", json: ["id": "channel-1", "resourceId": .string(resourceID)])
        #expect(stop.status == 204)
        #expect(try await session.harness.channels().first { $0["id"] == "channel-1" }?["live"] == false)
        let unknown = try await session.google("POST", "/channels/stop", json: ["id": "nope", "resourceId": "nope"])
        #expect(unknown.status == 404)
        _ = await receiver.waitForNotifications(1)
        _ = try await session.harness.createEvent(vendor: .google, calendarID: Fixtures.googleEmail, GoogleEventsTests.event)
        try await Task.sleep(for: .milliseconds(150))
        #expect(await receiver.requests().count == 1)
        await receiver.stop()
        await session.stop()
    }

    @Test func expiredChannelsStopPushing() async throws {
        let session = try await Session.start()
        let receiver = try await WebhookReceiver.start()
        let watch = try await Self.watch(session, receiver: receiver, token: nil, extra: ["params": ["ttl": "600"]])
        let expiration = Int64(watch.json?["expiration"]?.stringValue ?? "") ?? 0
        let now = try await session.harness.now()
        #expect(expiration == Int64(now.timeIntervalSince1970 * 1000) + 600_000)
        _ = await receiver.waitForNotifications(1)
        #expect(await receiver.requests().first?.headers["x-goog-channel-token"] == nil)
        // When the channel's lifetime passes on the virtual clock
        try await session.harness.advanceClock(by: 601)
        _ = try await session.harness.createEvent(vendor: .google, calendarID: Fixtures.googleEmail, GoogleEventsTests.event)
        // And a second channel is expired through the control API
        _ = try await Self.watch(session, receiver: receiver, id: "channel-2")
        _ = await receiver.waitForNotifications(2)
        try await session.harness.expireChannel(id: "channel-2")
        _ = try await session.harness.createEvent(vendor: .google, calendarID: Fixtures.googleEmail, GoogleEventsTests.event)
        try await Task.sleep(for: .milliseconds(150))
        // Then only the two sync messages arrived
        #expect(await receiver.requests().count == 2)
        await receiver.stop()
        await session.stop()
    }

    @Test func theEarlierOfExpirationAndTTLWins() async throws {
        let session = try await Session.start()
        let receiver = try await WebhookReceiver.start()
        let now = Int64(try await session.harness.now().timeIntervalSince1970 * 1000)
        let watch = try await Self.watch(session, receiver: receiver, extra: ["expiration": .string(String(now + 120_000))])
        #expect(watch.json?["expiration"]?.stringValue == String(now + 120_000))
        await receiver.stop()
        await session.stop()
    }
}
