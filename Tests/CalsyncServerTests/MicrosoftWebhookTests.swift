import CalsyncModel
import CalsyncServer
import CalsyncTesting
import Foundation
import Testing

/// `POST /webhooks/microsoft`: the validation handshake, change and lifecycle notifications.
@Suite struct MicrosoftWebhookTests {
    @Test func validationHandshakeEchoesTheDecodedToken() async throws {
        let fixture = try await ServerFixture()
        let response = try await fixture.send(
            "POST", "/webhooks/microsoft?validationToken=Validation%3A%20Testing%20client%20application+reachability%2Fok",
            headers: ["Content-Type": "text/plain; charset=utf-8"])
        #expect(response.status == 200)
        #expect(response.header("content-type") == "text/plain")
        #expect(response.text == "Validation: Testing client application reachability/ok")
        try await fixture.stop()
    }

    @Test func changeNotificationWithItsClientStateMarksTheProviderDue() async throws {
        let fixture = try await ServerFixture(debounce: .milliseconds(100))
        let response = try await fixture.graph([("sub-acme", ServerFixture.clientState, nil)])
        #expect(response.status == 202)
        #expect(try fixture.provider(ServerFixture.outlook)?.isNotificationPending == true)
        #expect(try await fixture.eventually { await fixture.recorder.syncs == [SyncRequest(ref: ServerFixture.outlook)] })
        try await fixture.stop()
    }

    @Test func wrongClientStateOrUnknownSubscriptionChangesNothing() async throws {
        let fixture = try await ServerFixture(debounce: .milliseconds(100))
        let before = try fixture.store.snapshot()
        let forged = try await fixture.graph([("sub-acme", "not-the-client-state", nil)])
        #expect(forged.status == 403)
        let missing = try await fixture.graph([("sub-acme", nil, nil)])
        #expect(missing.status == 403)
        let unknown = try await fixture.graph([("sub-unknown", ServerFixture.clientState, nil)])
        #expect(unknown.status == 401)
        let googleChannel = try await fixture.graph([("chan-acme", ServerFixture.channelToken, nil)])
        #expect(googleChannel.status == 401)
        for response in [forged, missing, unknown, googleChannel] {
            #expect(!response.text.contains(ServerFixture.clientState))
        }
        try await Task.sleep(for: .milliseconds(300))
        #expect(await fixture.recorder.syncs.isEmpty)
        #expect(try fixture.store.snapshot() == before)
        #expect(try await fixture.metric("calsync_webhook_notifications_total{vendor=\"microsoft\",result=\"rejected\"}") == 4)
        try await fixture.stop()
    }

    @Test func aMixedCollectionActsOnlyOnTheVerifiedItems() async throws {
        let fixture = try await ServerFixture(debounce: .milliseconds(100))
        let response = try await fixture.graph([
            ("sub-acme", "forged", "missed"), ("sub-unknown", "x", nil), ("sub-acme", ServerFixture.clientState, nil),
        ])
        #expect(response.status == 202)
        #expect(try await fixture.eventually { await fixture.recorder.syncs.count == 1 })
        try await Task.sleep(for: .milliseconds(300))
        #expect(await fixture.recorder.syncs == [SyncRequest(ref: ServerFixture.outlook, isFull: false)])
        try await fixture.stop()
    }

    @Test func malformedBodiesGet400() async throws {
        let fixture = try await ServerFixture()
        for body in ["", "not json", "{}", "{\"value\": []}", "{\"value\": [{\"clientState\": \"x\"}]}", "[1]"] {
            let response = try await fixture.send("POST", "/webhooks/microsoft", json: body)
            #expect(response.status == 400, "\(body)")
            #expect(response.json?["error"]?.stringValue == "BadRequest")
        }
        try await fixture.stop()
    }

    @Test func missedAsksForAFullSync() async throws {
        let fixture = try await ServerFixture(debounce: .milliseconds(100))
        #expect(try await fixture.graph([("sub-acme", ServerFixture.clientState, "missed")]).status == 202)
        #expect(try await fixture.eventually { await fixture.recorder.syncs == [SyncRequest(ref: ServerFixture.outlook, isFull: true)] })
        #expect(try fixture.provider(ServerFixture.outlook)?.isNotificationPending == true)
        try await fixture.stop()
    }

    @Test func reauthorizationRequiredRenewsTheSubscriptionWithoutASync() async throws {
        let fixture = try await ServerFixture(debounce: .milliseconds(100))
        #expect(try await fixture.graph([("sub-acme", ServerFixture.clientState, "reauthorizationRequired")]).status == 202)
        #expect(try await fixture.eventually { await fixture.recorder.renewed == ["sub-acme"] })
        try await Task.sleep(for: .milliseconds(300))
        #expect(await fixture.recorder.syncs.isEmpty)
        #expect(await fixture.recorder.replaced.isEmpty)
        #expect(try await fixture.metric("calsync_webhook_renewals_total{kind=\"reauthorize\",result=\"succeeded\"}") == 1)
        try await fixture.stop()
    }

    @Test func subscriptionRemovedRegistersAgainThenSyncs() async throws {
        let fixture = try await ServerFixture(debounce: .milliseconds(100))
        #expect(try await fixture.graph([("sub-acme", ServerFixture.clientState, "subscriptionRemoved")]).status == 202)
        #expect(try await fixture.eventually { await fixture.recorder.syncs.count == 1 })
        #expect(await fixture.recorder.replaced == ["sub-acme"])
        #expect(await fixture.recorder.syncs == [SyncRequest(ref: ServerFixture.outlook)])
        try await fixture.stop()
    }
}
