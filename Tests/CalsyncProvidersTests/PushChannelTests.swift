import CalsyncEmulator
import CalsyncModel
import CalsyncProviders
import CalsyncTesting
import Foundation
import Testing

@Suite struct PushChannelTests {
    static let secret = Secret("channel-token-7f3a")

    @Test func googleWatchOpensAChannelAndStopEndsIt() async throws {
        let rig = try await CalendarRig.start(.google)
        defer { Task { await rig.harness.stop() } }
        let client = try rig.google()
        let address = try #require(URL(string: "http://127.0.0.1:9/webhooks/google"))
        let expiresAt = World.start.addingTimeInterval(3 * 86_400)
        // When
        let channel = try await client.watch(
            calendarId: "primary", channelID: "chan-1", address: address, secret: Self.secret, expiresAt: expiresAt)
        // Then the channel is Google's, with our id, its resource id and the requested expiry
        #expect(channel.id == "chan-1")
        #expect(channel.resourceID?.isEmpty == false)
        #expect(channel.expiresAt == expiresAt)
        let listed = try #require(try await rig.harness.channels().first)
        #expect(listed["id"]?.stringValue == "chan-1")
        #expect(listed["resourceId"]?.stringValue == channel.resourceID)
        #expect(listed["address"]?.stringValue == address.absoluteString)
        #expect(listed["calendarId"]?.stringValue == World.googleEmail)
        #expect(listed["live"] == .bool(true))
        #expect(!"\(channel)".contains(Self.secret.exposedValue))
        // When stopped, then the channel is no longer live, and stopping it again is not an error
        try await client.stop(channel)
        #expect(try await rig.harness.channels().first?["live"] == .bool(false))
        try await client.stop(channel)
        #expect(try await rig.sent("POST", "/google/calendar/v3/channels/stop") == 2)
    }

    @Test func googleHasNoRenewalAndStopNeedsTheResourceID() async throws {
        let rig = try await CalendarRig.start(.google)
        defer { Task { await rig.harness.stop() } }
        let client = try rig.google()
        let channel = PushChannel(id: "chan-2", resourceID: "r", expiresAt: World.start)
        do {
            _ = try await client.renew(channel, expiresAt: World.start.addingTimeInterval(60))
            Issue.record("a Google channel was renewed")
        } catch let error as CalendarClientError {
            #expect(error.isUnsupported)
            #expect(error.message.contains("Open a new channel with watch, then stop this one"))
        }
        do {
            try await client.stop(PushChannel(id: "chan-2", expiresAt: World.start))
            Issue.record("a channel without a resource id was stopped")
        } catch let error as CalendarClientError {
            #expect(error.isInvalidArgument)
        }
        #expect(try await rig.vendorRequests().isEmpty)
    }

    @Test func graphWatchSubscribesRenewExtendsAndStopDeletes() async throws {
        let receiver = try await HandshakeReceiver.start()
        let rig = try await CalendarRig.start(.microsoft)
        defer {
            Task {
                await rig.harness.stop()
                await receiver.stop()
            }
        }
        try await rig.harness.addCalendar(
            vendor: .microsoft, email: World.microsoftEmail, CalendarFixture(id: "bob-work", name: "Work"))
        let client = try rig.graph()
        let expiresAt = World.start.addingTimeInterval(2 * 86_400)
        // When subscribing to the default calendar and to another one
        let main = try await client.watch(
            calendarId: "calendar", channelID: "ignored", address: receiver.url, secret: Self.secret, expiresAt: expiresAt)
        let work = try await client.watch(
            calendarId: "bob-work", channelID: "ignored", address: receiver.url, secret: Self.secret, expiresAt: expiresAt)
        // Then Graph chose the ids, and the subscriptions carry what SPEC asks
        #expect(main.id != "ignored" && main.resourceID == nil)
        #expect(main.expiresAt == expiresAt)
        let listed = try await rig.harness.subscriptions()
        let first = try #require(listed.first { $0["id"]?.stringValue == main.id })
        #expect(first["resource"]?.stringValue == "me/calendar/events")
        #expect(first["changeType"]?.stringValue == "created,updated,deleted")
        #expect(first["notificationUrl"]?.stringValue == receiver.url.absoluteString)
        #expect(first["lifecycleNotificationUrl"]?.stringValue == receiver.url.absoluteString)
        #expect(first["clientState"]?.stringValue == Self.secret.exposedValue)
        let second = try #require(listed.first { $0["id"]?.stringValue == work.id })
        #expect(second["resource"]?.stringValue == "me/calendars/bob-work/events")
        // When renewed, then the expiry moves
        let later = expiresAt.addingTimeInterval(86_400)
        let renewed = try await client.renew(main, expiresAt: later)
        #expect(renewed.id == main.id && renewed.expiresAt == later)
        let after = try await rig.harness.subscriptions().first { $0["id"]?.stringValue == main.id }
        #expect(after?["expirationDateTime"]?.stringValue?.hasPrefix(String(RFC3339.string(later).dropLast())) == true)
        // When stopped, then it is gone, and stopping again is not an error
        try await client.stop(main)
        #expect(try await rig.harness.subscriptions().first { $0["id"]?.stringValue == main.id }?["live"] == .bool(false))
        try await client.stop(main)
    }

    @Test func graphRenewOfAnExpiredSubscriptionIs404() async throws {
        let receiver = try await HandshakeReceiver.start()
        let rig = try await CalendarRig.start(.microsoft)
        defer {
            Task {
                await rig.harness.stop()
                await receiver.stop()
            }
        }
        let client = try rig.graph()
        let channel = try await client.watch(
            calendarId: "calendar", channelID: "x", address: receiver.url, secret: Self.secret,
            expiresAt: World.start.addingTimeInterval(86_400))
        // Given Graph expired it
        try await rig.harness.expireSubscription(id: channel.id)
        // When, then
        do {
            _ = try await client.renew(channel, expiresAt: World.start.addingTimeInterval(2 * 86_400))
            Issue.record("an expired subscription was renewed")
        } catch let error as VendorError {
            #expect(error.status == 404)
            #expect(error.code == "ResourceNotFound")
        }
    }
}
