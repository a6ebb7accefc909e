import CalsyncEmulator
import CalsyncTesting
import Foundation
import Testing

@Suite struct GraphSubscriptionTests {
    static func subscribe(_ session: Session, _ receiver: WebhookReceiver, minutes: Double = 60, clientState: String = "s3cret", lifecycle: Bool = true) async throws -> HTTPResult {
        let now = try await session.harness.now()
        let expiration = ISO8601DateFormatter().string(from: now.addingTimeInterval(minutes * 60))
        var body: [String: JSONValue] = [
            "changeType": "created,updated,deleted", "notificationUrl": .string(receiver.url + "/webhooks/microsoft?tenant=acme"),
            "resource": "me/events", "expirationDateTime": .string(expiration), "clientState": .string(clientState),
        ]
        if lifecycle { body["lifecycleNotificationUrl"] = .string(receiver.url + "/webhooks/lifecycle") }
        return try await session.graph("POST", "/subscriptions", json: .object(body))
    }

    @Test func handshakeThenNotificationsOnEveryChange() async throws {
        let session = try await Session.start()
        let receiver = try await WebhookReceiver.start()
        // When subscribing, both URLs get the handshake first
        let created = try await Self.subscribe(session, receiver)
        #expect(created.status == 201)
        let subscription = try #require(created.json)
        let id = try #require(subscription["id"]?.stringValue)
        #expect(subscription["clientState"] == "s3cret")
        #expect(subscription["resource"] == "me/events")
        let handshakes = await receiver.requests().filter { $0.query["validationToken"] != nil }
        #expect(handshakes.count == 2)
        #expect(handshakes.first?.query["tenant"] == "acme")
        #expect(handshakes.first?.headers["content-type"]?.hasPrefix("text/plain") == true)
        // When the user creates, updates and deletes an event
        let event = try await session.harness.createEvent(vendor: .microsoft, calendarID: Fixtures.graphCalendar, GraphEventsTests.event)
        let eventID = event["id"]?.stringValue ?? ""
        try await session.harness.updateEvent(vendor: .microsoft, calendarID: Fixtures.graphCalendar, eventID: eventID, ["subject": "x"])
        try await session.harness.deleteEvent(vendor: .microsoft, calendarID: Fixtures.graphCalendar, eventID: eventID)
        // Then three notifications arrive with the clientState
        let notes = await receiver.waitForNotifications(3, path: "/webhooks/microsoft")
        let values = notes.compactMap { $0.json?["value"]?.arrayValue?.first }
        #expect(values.map { $0["changeType"]?.stringValue ?? "" } == ["created", "updated", "deleted"])
        #expect(values.allSatisfy { $0["clientState"] == "s3cret" && $0["subscriptionId"]?.stringValue == id })
        #expect(values.first?["resourceData"]?["id"]?.stringValue == eventID)
        #expect(notes.first?.query["tenant"] == "acme")
        // Events in another calendar do not notify a me/events subscription
        _ = try await session.harness.createEvent(vendor: .microsoft, calendarID: Fixtures.graphWork, GraphEventsTests.event)
        try await Task.sleep(for: .milliseconds(150))
        #expect(await receiver.waitForNotifications(3, path: "/webhooks/microsoft").count == 3)
        await receiver.stop()
        await session.stop()
    }

    @Test func failedOrSlowHandshakeIs400() async throws {
        var configuration = EmulatorConfiguration()
        configuration.validationTimeoutSeconds = 0.3
        let session = try await Session.start(configuration: configuration)
        let receiver = try await WebhookReceiver.start()
        await receiver.log.setMode(.wrongEcho)
        let wrong = try await Self.subscribe(session, receiver)
        #expect(wrong.status == 400)
        #expect(wrong.json?["error"]?["message"]?.stringValue?.contains("validation") == true)
        await receiver.log.setMode(.delay(milliseconds: 800))
        #expect(try await Self.subscribe(session, receiver).status == 400)
        await receiver.stop()
        await session.stop()
    }

    @Test func lifetimeAndClientStateLimits() async throws {
        let session = try await Session.start()
        let receiver = try await WebhookReceiver.start()
        #expect(try await Self.subscribe(session, receiver, minutes: 10_081, lifecycle: false).status == 400)
        #expect(try await Self.subscribe(session, receiver, minutes: 10_080, lifecycle: false).status == 201)
        #expect(try await Self.subscribe(session, receiver, clientState: String(repeating: "c", count: 129), lifecycle: false).status == 400)
        try await session.harness.configure(["subscriptionMaxLifetimeMinutes": 4230])
        #expect(try await Self.subscribe(session, receiver, minutes: 4231, lifecycle: false).status == 400)
        await receiver.stop()
        await session.stop()
    }

    @Test func renewReauthorizeDeleteAndExpiry() async throws {
        let session = try await Session.start()
        let receiver = try await WebhookReceiver.start()
        let id = try await Self.subscribe(session, receiver).json?["id"]?.stringValue ?? ""
        let later = ISO8601DateFormatter().string(from: try await session.harness.now().addingTimeInterval(3 * 86_400))
        let renewed = try await session.graph("PATCH", "/subscriptions/\(id)", json: ["expirationDateTime": .string(later)])
        #expect(renewed.status == 200)
        #expect(renewed.json?["expirationDateTime"]?.stringValue?.hasPrefix(String(later.prefix(19))) == true)
        #expect(try await session.graph("POST", "/subscriptions/\(id)/reauthorize").status == 204)
        #expect(try await session.harness.subscriptions().first { $0["id"]?.stringValue == id }?["live"] == true)
        // Once expired (control API), renewal is 404
        try await session.harness.expireSubscription(id: id)
        #expect(try await session.graph("PATCH", "/subscriptions/\(id)", json: ["expirationDateTime": .string(later)]).status == 404)
        // A second one: delete is 204, then 404
        let other = try await Self.subscribe(session, receiver).json?["id"]?.stringValue ?? ""
        #expect(try await session.graph("DELETE", "/subscriptions/\(other)").status == 204)
        #expect(try await session.graph("DELETE", "/subscriptions/\(other)").status == 404)
        // Expiry on the virtual clock
        let third = try await Self.subscribe(session, receiver, minutes: 30).json?["id"]?.stringValue ?? ""
        try await session.harness.advanceClock(by: 31 * 60)
        #expect(try await session.graph("GET", "/subscriptions/\(third)").status == 404)
        await receiver.stop()
        await session.stop()
    }

    @Test func lifecycleNotificationsOnDemand() async throws {
        let session = try await Session.start()
        let receiver = try await WebhookReceiver.start()
        let id = try await Self.subscribe(session, receiver).json?["id"]?.stringValue ?? ""
        try await session.harness.sendLifecycleNotification(subscriptionID: id, event: .reauthorizationRequired)
        try await session.harness.sendLifecycleNotification(subscriptionID: id, event: .subscriptionRemoved)
        let notes = await receiver.waitForNotifications(2, path: "/webhooks/lifecycle")
        let values = notes.compactMap { $0.json?["value"]?.arrayValue?.first }
        #expect(values.map { $0["lifecycleEvent"]?.stringValue ?? "" } == ["reauthorizationRequired", "subscriptionRemoved"])
        #expect(values.first?["clientState"] == "s3cret")
        #expect(values.first?["subscriptionId"]?.stringValue == id)
        // subscriptionRemoved removes it
        #expect(try await session.graph("GET", "/subscriptions/\(id)").status == 404)
        await receiver.stop()
        await session.stop()
    }
}
