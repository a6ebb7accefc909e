import CalsyncModel
import CalsyncServer
import CalsyncTesting
import Foundation
import Testing

/// `POST /webhooks/google` over a real socket: verification against the state, and coalescing.
@Suite struct GoogleWebhookTests {
    @Test func manyExistsMessagesCauseOneSyncPerDebounceInterval() async throws {
        let debounce = Duration.seconds(2)
        let fixture = try await ServerFixture(debounce: debounce)
        // When 40 notifications for one channel arrive at once
        let started = ContinuousClock.now
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<40 {
                group.addTask { try await fixture.google(channel: "chan-acme", token: ServerFixture.channelToken).status }
            }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        let burst = ContinuousClock.now - started
        // Then each is acknowledged, the provider is due in the state, and one sync runs per debounce
        // interval the burst spanned (one, unless the machine is very slow)
        #expect(statuses == Array(repeating: 200, count: 40))
        #expect(try fixture.provider(ServerFixture.google)?.isNotificationPending == true)
        #expect(try await fixture.eventually { await fixture.recorder.syncs.count >= 1 })
        try await Task.sleep(for: debounce + .milliseconds(500))
        let windows = Int(burst / debounce) + 1
        let syncs = await fixture.recorder.syncs
        #expect((1...windows).contains(syncs.count), "\(syncs.count) syncs for a burst of \(burst)")
        #expect(syncs.allSatisfy { $0 == SyncRequest(ref: ServerFixture.google) })
        #expect(try await fixture.metric("calsync_webhook_notifications_total{vendor=\"google\",result=\"accepted\"}") == 40)
        #expect(try await fixture.metric("calsync_syncs_total{result=\"succeeded\"}") == Double(syncs.count))
        // And a notification after the sync causes another one
        #expect(try await fixture.google(channel: "chan-acme", token: ServerFixture.channelToken).status == 200)
        #expect(try await fixture.eventually { await fixture.recorder.syncs.count == syncs.count + 1 })
        try await fixture.stop()
    }

    @Test func syncMessageIsAcknowledgedAndChangesNothing() async throws {
        let fixture = try await ServerFixture(debounce: .milliseconds(100))
        let serial = try fixture.store.serial()
        let response = try await fixture.google(channel: "chan-acme", token: ServerFixture.channelToken, state: "sync")
        #expect(response.status == 200)
        #expect(response.body.isEmpty)
        try await Task.sleep(for: .milliseconds(400))
        #expect(await fixture.recorder.syncs.isEmpty)
        #expect(try fixture.provider(ServerFixture.google)?.isNotificationPending == false)
        #expect(try fixture.store.serial() == serial)
        try await fixture.stop()
    }

    /// Channel, token, resource id, and the status a notification gets.
    static let refusals: [(String, String?, String?, Int, String)] = [
        ("chan-acme", "wrong-token", "res-acme", 403, "a wrong token"),
        ("chan-acme", nil, "res-acme", 403, "no token"),
        ("chan-acme", ServerFixture.channelToken + "x", "res-acme", 403, "a longer token"),
        ("chan-acme", ServerFixture.channelToken, "res-other", 403, "another resource id"),
        ("chan-unknown", ServerFixture.channelToken, "res-acme", 401, "an unknown channel"),
        ("chan-expired", ServerFixture.channelToken, nil, 401, "an expired channel"),
        ("sub-acme", ServerFixture.clientState, nil, 401, "a Graph subscription's id"),
    ]

    @Test(arguments: refusals)
    func forgedNotificationsAreRefusedAndChangeNothing(channel: String, token: String?, resource: String?, status: Int, what: String) async throws {
        let fixture = try await ServerFixture(debounce: .milliseconds(100))
        let serial = try fixture.store.serial()
        let before = try fixture.store.snapshot()
        // When a notification with \(what) arrives
        let response = try await fixture.google(channel: channel, token: token, resourceID: resource)
        // Then it is refused with a JSON error that tells no secret, and nothing changes
        #expect(response.status == status, "\(what)")
        #expect(response.json?["error"]?.stringValue == (status == 401 ? "Unauthorized" : "Forbidden"))
        #expect(!response.text.contains(ServerFixture.channelToken))
        try await Task.sleep(for: .milliseconds(300))
        #expect(await fixture.recorder.syncs.isEmpty)
        #expect(try fixture.store.serial() == serial)
        #expect(try fixture.store.snapshot() == before)
        #expect(try await fixture.metric("calsync_webhook_notifications_total{vendor=\"google\",result=\"rejected\"}") == 1)
        try await fixture.stop()
    }

    @Test func aChannelRemovedFromTheStateIsRefusedWithinASecond() async throws {
        let fixture = try await ServerFixture()
        #expect(try await fixture.google(channel: "chan-acme", token: ServerFixture.channelToken, state: "sync").status == 200)
        try fixture.store.removeWebhook(id: "chan-acme")
        try await Task.sleep(for: .milliseconds(1100))
        #expect(try await fixture.google(channel: "chan-acme", token: ServerFixture.channelToken).status == 401)
        try await fixture.stop()
    }

    @Test func missingChannelIdOrStateIsRefused() async throws {
        let fixture = try await ServerFixture()
        #expect(try await fixture.send("POST", "/webhooks/google").status == 401)
        let unknownState = try await fixture.google(channel: "chan-acme", token: ServerFixture.channelToken, state: "teapot")
        #expect(unknownState.status == 400)
        #expect(try await fixture.send("GET", "/webhooks/google").status == 405)
        try await fixture.stop()
    }

    @Test func bodiesOverOneMegabyteGet413() async throws {
        let fixture = try await ServerFixture()
        let body = Data(repeating: 0x61, count: 1024 * 1024 + 1)
        let response = try await fixture.send(
            "POST", "/webhooks/google",
            headers: ["X-Goog-Channel-ID": "chan-acme", "X-Goog-Channel-Token": ServerFixture.channelToken, "X-Goog-Resource-State": "exists"],
            body: body)
        #expect(response.status == 413)
        #expect(response.json?["error"]?.stringValue == "PayloadTooLarge")
        #expect(try fixture.provider(ServerFixture.google)?.isNotificationPending == false)
        // And one exactly at the limit is read
        let atLimit = try await fixture.send(
            "POST", "/webhooks/microsoft", headers: ["Content-Type": "application/json"], body: Data(repeating: 0x20, count: 1024 * 1024))
        #expect(atLimit.status == 400)
        try await fixture.stop()
    }

    @Test func syncsInFlightFinishBeforeShutdownReturns() async throws {
        let fixture = try await ServerFixture(debounce: .zero)
        await fixture.recorder.setSyncDelay(.milliseconds(1500))
        #expect(try await fixture.google(channel: "chan-acme", token: ServerFixture.channelToken).status == 200)
        #expect(try await fixture.eventually { await fixture.recorder.syncs.count == 1 })
        // When the server stops while the sync runs
        try await fixture.stop()
        // Then the sync finished first
        #expect(await fixture.recorder.finishedSyncs == 1)
    }
}
