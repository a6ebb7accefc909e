import CalsyncEmulator
import CalsyncModel
import CalsyncSecrets
import CalsyncState
import CalsyncTesting
import Foundation
import Testing

/// The provider lifecycle against the emulator through the real binary: authorize, calendar check,
/// webhook register / renew / 404 re-register / stop on delete, refused grants, requests per no-op run.
@Suite(.serialized) struct VendorLifecycleTests {
    func store(_ world: VendorWorld) throws -> SQLiteStateStore {
        try SQLiteStateStore(path: world.workspace.path + "/.calsync/state.db", mode: .readOnly)
    }

    func card(_ world: VendorWorld, _ ref: String) async throws -> [String: Any] {
        let status = try await world.workspace.calsync(["status", ref, "-o", "json"])
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        return (json?["providers"] as? [[String: Any]])?.first ?? [:]
    }

    func liveChannels(_ world: VendorWorld) async throws -> [CalsyncEmulator.JSONValue] {
        try await world.emulator.channels().filter { $0["live"] == .bool(true) }
    }

    func liveSubscriptions(_ world: VendorWorld) async throws -> [CalsyncEmulator.JSONValue] {
        try await world.emulator.subscriptions().filter { $0["live"] == .bool(true) }
    }

    /// Given both providers authorized with a webhook receiver behind the base URL.
    func authorizedWorld(receiver: WebhookReceiver) async throws -> VendorWorld {
        let world = try await VendorWorld.start(webhookBaseURL: receiver.url)
        #expect(try await world.workspace.calsync(["reconcile"]).exitCode == 3)
        for ref in ["acme/google-main", "acme/outlook-main"] {
            let result = try await world.authorize(ref)
            #expect(result.exitCode == 0, "\(result.stderr)")
        }
        return world
    }

    @Test func reconcileChecksCalendarsAndRegistersOneWebhookEach() async throws {
        let receiver = try await WebhookReceiver.start()
        let world = try await authorizedWorld(receiver: receiver)
        defer { Task { await world.stop(); await receiver.stop() } }

        let run = try await world.workspace.calsync(["reconcile"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        for ref in ["acme/google-main", "acme/outlook-main"] {
            let card = try await card(world, ref)
            #expect(card["connectionStatus"] as? String == "Connected", "\(card)")
            #expect(card["oauth"] as? String == "OAuth Complete")
            #expect((card["webhook"] as? [String: Any])?["state"] as? String == "Active", "\(card)")
        }
        let channels = try await liveChannels(world)
        #expect(channels.count == 1)
        #expect(channels.first?["address"]?.stringValue == receiver.url + "/webhooks/google")
        let subscriptions = try await liveSubscriptions(world)
        #expect(subscriptions.count == 1)
        #expect(subscriptions.first?["notificationUrl"]?.stringValue == receiver.url + "/webhooks/microsoft")
        #expect(subscriptions.first?["lifecycleNotificationUrl"]?.stringValue == receiver.url + "/webhooks/microsoft")
        let recorded = Set(try store(world).allWebhooks().map(\.id))
        let channelIDs: [String] = channels.compactMap { $0["id"]?.stringValue }
        let subscriptionIDs: [String] = subscriptions.compactMap { $0["id"]?.stringValue }
        #expect(recorded == Set(channelIDs + subscriptionIDs))

        // Nothing to do: one calendar check per provider, nothing else.
        try await world.emulator.resetRequests()
        let again = try await world.workspace.calsync(["reconcile"])
        #expect(again.exitCode == 0, "\(again.stderr)")
        let vendorRequests = try await world.emulator.requests().entries.filter { !$0.path.hasPrefix("/_control") }
        #expect(vendorRequests.count <= 2, "a converged reconcile of 2 providers made \(vendorRequests.map { "\($0.method) \($0.path)" })")
        #expect(try await liveChannels(world).count == 1)
    }

    @Test func renewalExtendsGraphReplacesGoogleAndReRegistersAGoneSubscription() async throws {
        let receiver = try await WebhookReceiver.start()
        let world = try await authorizedWorld(receiver: receiver)
        defer { Task { await world.stop(); await receiver.stop() } }
        #expect(try await world.workspace.calsync(["reconcile"]).exitCode == 0)
        let channelsBefore = try await liveChannels(world)
        let subscriptionsBefore = try await liveSubscriptions(world)
        let firstChannel = try #require(channelsBefore.first?["id"]?.stringValue)
        let firstSubscription = try #require(subscriptionsBefore.first)
        let subscriptionID = try #require(firstSubscription["id"]?.stringValue)

        // A renewal window longer than the webhooks' lifetime makes both due.
        try await world.emulator.advanceClock(by: 3600)
        let renew = ["CALSYNC_WEBHOOK_RENEW_BEFORE": "8d", "CALSYNC_CLOCK_OFFSET": "3600s"]
        let plan = try await world.workspace.calsync(["plan", "--no-refresh"], environment: renew)
        #expect(plan.stdout.contains("renew_webhook") || plan.stdout.contains("↻"), "\(plan.stdout)")
        let renewed = try await world.workspace.calsync(["reconcile"], environment: renew)
        #expect(renewed.exitCode == 0, "\(renewed.stderr)")
        let channels = try await liveChannels(world)
        #expect(channels.count == 1, "a replaced Google channel stops its predecessor")
        #expect(channels.first?["id"]?.stringValue != firstChannel)
        let subscriptions = try await liveSubscriptions(world)
        #expect(subscriptions.map { $0["id"]?.stringValue } == [subscriptionID], "a Graph subscription is PATCHed, not replaced")
        #expect(subscriptions.first?["expirationDateTime"]?.stringValue != firstSubscription["expirationDateTime"]?.stringValue)

        // A subscription the vendor dropped answers 404 to the renewal and is registered anew.
        try await world.emulator.expireSubscription(id: subscriptionID)
        let replaced = try await world.workspace.calsync(["reconcile"], environment: renew)
        #expect(replaced.exitCode == 0, "\(replaced.stderr)")
        let now = try await liveSubscriptions(world)
        #expect(now.count == 1)
        #expect(now.first?["id"]?.stringValue != subscriptionID)
        #expect(try store(world).allWebhooks().count == 2)
    }

    @Test func deletingAProviderStopsItsWebhookAndRevokesTheGoogleGrant() async throws {
        let receiver = try await WebhookReceiver.start()
        let world = try await authorizedWorld(receiver: receiver)
        defer { Task { await world.stop(); await receiver.stop() } }
        #expect(try await world.workspace.calsync(["reconcile"]).exitCode == 0)
        let manifest = try #require(world.workspace.read("manifests/acme.yaml"))
        let kept = manifest.components(separatedBy: "---\n").filter { !$0.contains("name: google-main") && !$0.contains("name: outlook-main") }
        try world.workspace.write("manifests/acme.yaml", kept.joined(separator: "---\n"))
        try await world.emulator.resetRequests()

        let run = try await world.workspace.calsync(["reconcile"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        #expect(try await liveChannels(world).isEmpty)
        #expect(try await liveSubscriptions(world).isEmpty)
        #expect(try store(world).allWebhooks().isEmpty)
        let routes = try await world.emulator.requests().routes.map(\.route)
        #expect(routes.contains { $0.hasSuffix("/revoke") }, "\(routes)")
        #expect(routes.contains { $0.hasSuffix("/channels/stop") })
    }

    @Test func aRefusedGrantNeedsAuthorizationAndLeavesTheOtherProviderAlone() async throws {
        let world = try await VendorWorld.start()
        defer { Task { await world.stop() } }
        #expect(try await world.workspace.calsync(["reconcile"]).exitCode == 3)
        for ref in ["acme/google-main", "acme/outlook-main"] {
            #expect(try await world.authorize(ref).exitCode == 0)
        }
        #expect(try await world.workspace.calsync(["reconcile"]).exitCode == 0)
        let revoked = try await world.emulator.revokeGrants(vendor: .google, email: VendorWorld.googleAccount)
        #expect(revoked >= 1)

        let drift = try await world.workspace.calsync(["drift"])
        #expect(drift.exitCode == 2)
        #expect(drift.stdout.contains("acme/google-main: credential_revoked"), "\(drift.stdout)")
        #expect(!drift.stdout.contains("acme/outlook-main"))

        let run = try await world.workspace.calsync(["reconcile"])
        #expect(run.exitCode == 3, "\(run.stderr)")
        #expect(run.stderr.contains("calsync authorize acme/google-main"))
        await #expect(try card(world, "acme/google-main")["oauth"] as? String == "Authorization Required")
        await #expect(try card(world, "acme/outlook-main")["oauth"] as? String == "OAuth Complete")
        let plan = try await world.workspace.calsync(["plan", "--json"])
        #expect(plan.stdout.contains("\"credential_revoked\""), "\(plan.stdout)")
        let outbox = try Self.outboxTypes(world)
        #expect(outbox == ["authorization_required"])

        #expect(try await world.authorize("acme/google-main").exitCode == 0)
        #expect(try await world.workspace.calsync(["reconcile"]).exitCode == 0)
    }

    @Test func aMicrosoftRefreshReplacesTheStoredRefreshToken() async throws {
        let world = try await VendorWorld.start(google: [:])
        defer { Task { await world.stop() } }
        _ = try await world.workspace.calsync(["reconcile"])
        // Access tokens shorter-lived than the refresh margin make every run refresh.
        try await world.emulator.configure(["accessTokenLifetime": 30])
        #expect(try await world.authorize("acme/outlook-main").exitCode == 0)
        let ref = try #require(ProviderRef("acme/outlook-main"))
        let keyring = try Keyring.fromEnvironment(world.workspace.environment, random: .system)
        let before = try keyring.open(try #require(try store(world).credential(ref)))
        try await world.emulator.advanceClock(by: 120)
        let run = try await world.workspace.calsync(["reconcile"], environment: ["CALSYNC_CLOCK_OFFSET": "120s"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        let after = try keyring.open(try #require(try store(world).credential(ref)))
        #expect(before.exposedValue != after.exposedValue, "the rotated refresh token replaces the old one")
        await #expect(try card(world, "acme/outlook-main")["connectionStatus"] as? String == "Connected")
    }

    @Test func aMissingCalendarIsAnErrorOnTheCard() async throws {
        let world = try await VendorWorld.start(google: ["google-main": "no-such-calendar"], microsoft: [:])
        defer { Task { await world.stop() } }
        _ = try await world.workspace.calsync(["reconcile"])
        #expect(try await world.authorize("acme/google-main").exitCode == 0)
        let drift = try await world.workspace.calsync(["drift"])
        #expect(drift.stdout.contains("calendar_not_found"), "\(drift.stdout)")
        _ = try await world.workspace.calsync(["reconcile"])
        let card = try await card(world, "acme/google-main")
        #expect(card["connectionStatus"] as? String == "Error", "\(card)")
        #expect((card["error"] as? String)?.isEmpty == false)
    }

    @Test func aTenantsOutlookProvidersShareTheMailboxsFourRequestSlots() async throws {
        // Given six providers of one tenant on calendars of the same mailbox, all authorized
        let calendars = ["c1", "c2", "c3", "c4", "c5"]
        let providers = Dictionary(uniqueKeysWithValues: (["calendar"] + calendars).enumerated().map { ("outlook-\($0.offset)", $0.element) })
        let world = try await VendorWorld.start(google: [:], microsoft: providers, extraCalendars: calendars)
        defer { Task { await world.stop() } }
        #expect(try await world.workspace.calsync(["reconcile"]).exitCode == 3)
        for name in providers.keys.sorted() {
            let result = try await world.authorize("acme/\(name)")
            #expect(result.exitCode == 0, "\(result.stderr)")
        }
        // When a plan checks all six calendars, eight at a time, and Graph takes 400 ms for each
        try await world.emulator.injectFault(FaultRule(method: "GET", path: "/graph/v1.0/me/**", delayMilliseconds: 400))
        try await world.emulator.resetRequests()
        let plan = try await world.workspace.calsync(["plan"])
        #expect(plan.exitCode == 0, "\(plan.stderr)")
        // Then each calendar was read once, never five at a time: the mailbox throttled nothing
        let reads = try await world.emulator.requests().entries.filter { $0.path.hasPrefix("/graph/v1.0/me") }
        #expect(reads.count == 6, "\(reads.map { "\($0.method) \($0.path) \($0.status ?? 0)" })")
        #expect(reads.allSatisfy { $0.status == 200 }, "\(reads.map { "\($0.path) \($0.status ?? 0)" })")
    }

    @Test func keyRotationReSealsEverySecretSoTheOldKeyCanGo() async throws {
        let receiver = try await WebhookReceiver.start()
        let world = try await authorizedWorld(receiver: receiver)
        defer { Task { await world.stop(); await receiver.stop() } }
        #expect(try await world.workspace.calsync(["reconcile"]).exitCode == 0)
        let oldKey = try #require(world.workspace.environment["CALENDAR_OAUTH_ENCRYPTION_KEY"])
        let newKey = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let rotating = ["CALENDAR_OAUTH_ENCRYPTION_KEY": newKey, "CALENDAR_OAUTH_DECRYPTION_KEYS": oldKey]
        let rotate = try await world.workspace.calsync(["keys", "rotate"], environment: rotating)
        #expect(rotate.exitCode == 0, "\(rotate.stderr)")

        let newID = try Keyring.fromEnvironment(["CALENDAR_OAUTH_ENCRYPTION_KEY": newKey], random: .system).current.id
        let state = try store(world)
        #expect(try state.sealedCredentials().allSatisfy { $0.sealed.keyID == newID })
        #expect(try state.allWebhooks().allSatisfy { $0.secret.keyID == newID })
        // The old key is gone: every run still opens every token.
        let after = try await world.workspace.calsync(
            ["reconcile"], environment: ["CALENDAR_OAUTH_ENCRYPTION_KEY": newKey, "CALENDAR_OAUTH_DECRYPTION_KEYS": ""])
        #expect(after.exitCode == 0, "\(after.stderr)")
        await #expect(try card(world, "acme/google-main")["connectionStatus"] as? String == "Connected")
    }

    static func outboxTypes(_ world: VendorWorld) throws -> [String] {
        let store = try SQLiteStateStore(path: world.workspace.path + "/.calsync/state.db", mode: .readOnly)
        return try store.outboxEvents().map(\.type.rawValue)
    }
}
