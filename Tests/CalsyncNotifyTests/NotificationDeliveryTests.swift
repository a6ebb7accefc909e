import CalsyncModel
import CalsyncNotify
import CalsyncState
import CalsyncTesting
import Foundation
import Testing

/// Notifications delivered over real HTTP to a receiver on a loopback port: bodies, signatures,
/// retries, filters, unresolvable references and deadlines.
@Suite struct NotificationDeliveryTests {
    static let secret = "s3cret-signing-key"
    static let title = "Board meeting about the merger"

    @Test func slackAndWebhookChannelsGetTheirBodiesSignedOnce() async throws {
        // Given a Slack channel, a signed webhook channel, an entry with a title, and two events
        let receiver = try await NotificationReceiver.start()
        var world = try NotifyWorld()
        defer { world.remove() }
        world.environment = [
            "SLACK_URL": receiver.baseURL + "/services/T000/B000/XXXX", "HOOK_URL": receiver.baseURL + "/hooks/ops",
            "HOOK_SECRET": Self.secret,
        ]
        try world.record(ChannelSpec(name: ChannelName(rawValue: "ops-slack")!, type: .slack, url: .env("SLACK_URL")))
        try world.record(
            ChannelSpec(
                name: ChannelName(rawValue: "ops-hook")!, type: .webhook, url: .env("HOOK_URL"),
                secret: .env("HOOK_SECRET")))
        _ = try world.store.addEntry(
            Entry(
                id: EntryID(rawValue: "e1"), tenant: NotifyWorld.acme, title: Self.title,
                start: .instant(NotifyWorld.t0),
                end: .instant(NotifyWorld.t0.addingTimeInterval(3600)), updatedAt: NotifyWorld.t0, origin: "local"))
        try world.enqueue(.conflict, message: "mapping m-1 changed on both sides", key: "conflict:m-1")
        try world.enqueue(
            .error, tenant: NotifyWorld.globex, provider: nil, message: "quote \" and\nnewline", key: "error:g")

        // When the notifier runs
        let report = await world.notify()

        // Then the journal holds one line per event, keys in the fixed order, no title
        #expect(report.errors.isEmpty)
        #expect(report.journaled == 2)
        let lines = [
            #"{"id":1,"type":"conflict","tenant":"acme","provider":"google-main","at":"2026-09-21T14:13:20Z","message":"mapping m-1 changed on both sides"}"#,
            #"{"id":2,"type":"error","tenant":"globex","provider":null,"at":"2026-09-21T14:13:20Z","message":"quote \" and\nnewline"}"#,
        ]
        #expect(world.journal == lines.joined(separator: "\n") + "\n")
        // And each channel got each event once
        #expect(report.delivered.count == 4)
        #expect(report.failures.isEmpty)
        let requests = await receiver.requests()
        let slack = requests.filter { $0.path == "/services/T000/B000/XXXX" }
        let hook = requests.filter { $0.path == "/hooks/ops" }
        #expect(
            slack.map { jsonObject($0.text)?["text"] as? String } == [
                "calsync conflict acme/google-main: mapping m-1 changed on both sides",
                "calsync error globex: quote \" and\nnewline",
            ])
        #expect(slack.allSatisfy { $0.header("X-Calsync-Signature") == nil }, "Slack bodies are not signed")
        // And the webhook got the journal line itself, signed with HMAC-SHA256 of the exact body
        #expect(hook.map(\.text) == lines)
        for request in hook + slack {
            #expect(request.header("Content-Type") == "application/json")
        }
        for request in hook {
            #expect(request.header("X-Calsync-Signature") == expectedSignature(request.body, secret: Self.secret))
        }
        // And no title, URL or secret appears in the journal, a body or the report
        let everything = world.journal + requests.map(\.text).joined() + report.warnings.joined()
        for forbidden in [Self.title, Self.secret, receiver.baseURL, "XXXX"] {
            #expect(!everything.contains(forbidden), "\(forbidden) leaked")
        }
        // When it runs again, Then nothing is sent or appended twice, and the events are settled
        let again = await world.notify(at: NotifyWorld.t0.addingTimeInterval(7200))
        #expect(again.journaled == 0 && again.delivered.isEmpty)
        #expect(await receiver.requests().count == 4)
        #expect(world.journal == lines.joined(separator: "\n") + "\n")
        #expect(try world.store.undeliveredEvents().isEmpty)
        await receiver.stop()
    }

    @Test func aFailedDeliveryIsRetriedAfterItsBackoffAndDeliveredOnce() async throws {
        // Given a webhook channel that answers 500 once, then 200
        let receiver = try await NotificationReceiver.start(statuses: [500])
        var world = try NotifyWorld()
        defer { world.remove() }
        world.environment = ["HOOK_URL": receiver.baseURL + "/hook"]
        try world.record(ChannelSpec(name: ChannelName(rawValue: "ops-hook")!, type: .webhook, url: .env("HOOK_URL")))
        try world.enqueue(
            .providerDeleted, message: "acme/google-main deleted", key: "provider_deleted:acme/google-main")

        // When the notifier runs, Then the 500 is recorded and the next attempt is scheduled within the backoff
        let first = await world.notify()
        #expect(first.delivered.isEmpty)
        #expect(first.failures.map(\.message) == ["HTTP 500"])
        let next = try #require(first.failures.first?.nextAttemptAt)
        #expect((30...60).contains(next.timeIntervalSince(NotifyWorld.t0)))
        #expect(
            first.warnings == [
                "warning: notification channel \"ops-hook\": 1 event not delivered (HTTP 500); next attempt after \(RFC3339.string(next))."
            ])
        let entry = try #require(try world.store.undeliveredEvents().first)
        #expect(entry.delivery(to: ChannelName(rawValue: "ops-hook")!).lastError == "HTTP 500")
        #expect(entry.isJournaled, "the journal does not wait for deliveries")
        // When it runs again before the backoff passed, Then nothing is sent
        let early = await world.notify(at: next.addingTimeInterval(-1))
        #expect(early.delivered.isEmpty && early.failures.isEmpty)
        #expect(await receiver.requests().count == 1)
        // When it runs after the backoff, Then the event is delivered, once
        let second = await world.notify(at: next)
        #expect(second.delivered.count == 1)
        let later = await world.notify(at: next.addingTimeInterval(86_400))
        #expect(later.delivered.isEmpty)
        let requests = await receiver.requests()
        #expect(requests.count == 2)
        #expect(requests.map(\.text) == Array(repeating: requests[0].text, count: 2), "the retry sends the same body")
        #expect(
            requests.allSatisfy { $0.header("X-Calsync-Signature") == nil }, "a channel without a secret is unsigned")
        #expect(try world.store.undeliveredEvents().isEmpty)
        await receiver.stop()
    }

    @Test func channelsFilteredOutByEventsOrTenantsGetNothing() async throws {
        // Given three channels, only one of which hears acme's provider_deleted
        let receiver = try await NotificationReceiver.start()
        var world = try NotifyWorld()
        defer { world.remove() }
        world.environment = ["A": receiver.baseURL + "/a", "B": receiver.baseURL + "/b", "C": receiver.baseURL + "/c"]
        try world.record(
            ChannelSpec(
                name: ChannelName(rawValue: "only-conflicts")!, type: .webhook, url: .env("A"), events: [.conflict]))
        try world.record(
            ChannelSpec(
                name: ChannelName(rawValue: "only-globex")!, type: .webhook, url: .env("B"), events: [.providerDeleted],
                tenants: .only([NotifyWorld.globex])))
        try world.record(
            ChannelSpec(
                name: ChannelName(rawValue: "acme-all")!, type: .slack, url: .env("C"),
                tenants: .only([NotifyWorld.acme])))
        try world.enqueue(.providerDeleted, message: "acme/google-main deleted", key: "provider_deleted:x")

        // When the notifier runs
        let report = await world.notify()

        // Then only the matching channel got it, and the event is settled
        #expect(await receiver.requests().map(\.path) == ["/c"])
        #expect(report.delivered.map(\.channel.rawValue) == ["acme-all"])
        #expect(try world.store.undeliveredEvents().isEmpty)
        await receiver.stop()
    }

    @Test func anEventNoChannelHearsIsJournaledAndSettled() async throws {
        var world = try NotifyWorld()
        defer { world.remove() }
        world.environment = ["A": "http://127.0.0.1:9/never"]
        try world.record(
            ChannelSpec(
                name: ChannelName(rawValue: "only-conflicts")!, type: .webhook, url: .env("A"), events: [.conflict]))
        try world.enqueue(.syncRecovered, message: "acme/google-main synced again", key: "sync_recovered:x")
        let report = await world.notify()
        #expect(report.journaled == 1 && report.delivered.isEmpty && report.failures.isEmpty)
        #expect(world.journal.contains(#""type":"sync_recovered""#))
        #expect(try world.store.undeliveredEvents().isEmpty)
    }

    @Test func anUnresolvableReferenceIsRecordedAndRetriedLater() async throws {
        // Given a channel whose URL variable is unset, one whose URL is malformed, and a signed one without its secret
        let receiver = try await NotificationReceiver.start()
        var world = try NotifyWorld()
        defer { world.remove() }
        world.environment = ["BAD_URL": "ftp://not-http/\(Self.secret)", "HOOK_URL": receiver.baseURL + "/signed"]
        try world.record(ChannelSpec(name: ChannelName(rawValue: "unset")!, type: .slack, url: .env("OPS_SLACK_URL")))
        try world.record(ChannelSpec(name: ChannelName(rawValue: "malformed")!, type: .webhook, url: .env("BAD_URL")))
        try world.record(
            ChannelSpec(
                name: ChannelName(rawValue: "signed")!, type: .webhook, url: .env("HOOK_URL"),
                secret: .file(world.directory + "/missing")))
        try world.enqueue(.error, message: "acme/google-main: sync failed", key: "error:1")
        try world.enqueue(.conflict, message: "mapping m-2 changed on both sides", key: "conflict:m-2")

        // When the notifier runs
        let report = await world.notify()

        // Then nothing is sent (never unsigned when a secret is declared), and every due delivery records why
        #expect(await receiver.requests().isEmpty)
        #expect(report.failures.count == 6)
        let messages = Dictionary(grouping: report.failures, by: \.key.channel.rawValue).mapValues {
            Set($0.map(\.message))
        }
        #expect(
            messages["unset"] == [
                "the URL of notification channel \"unset\" is read from the environment variable OPS_SLACK_URL, which is not set. Set OPS_SLACK_URL."
            ])
        #expect(
            messages["malformed"] == [
                "the URL of notification channel \"malformed\" (read from env:BAD_URL) is not an absolute http:// or https:// URL. Correct the value it reads."
            ])
        #expect(
            messages["signed"]?.first?.contains(
                "the signing secret of notification channel \"signed\" is read from the file") == true)
        #expect(report.warnings.count == 3)
        #expect(!report.warnings.joined().contains(Self.secret), "a malformed URL is never echoed")
        let entry = try #require(try world.store.undeliveredEvents().first)
        #expect(entry.delivery(to: ChannelName(rawValue: "unset")!).lastError?.contains("OPS_SLACK_URL") == true)
        // When the references are fixed and the backoff passed, Then the events go out
        try Self.secret.write(toFile: world.directory + "/missing", atomically: true, encoding: .utf8)
        world.environment["OPS_SLACK_URL"] = receiver.baseURL + "/slack"
        world.environment["BAD_URL"] = receiver.baseURL + "/malformed"
        let fixed = await world.notify(at: NotifyWorld.t0.addingTimeInterval(3600))
        #expect(fixed.failures.isEmpty)
        #expect(fixed.delivered.count == 6)
        let signed = await receiver.requests().filter { $0.path == "/signed" }
        #expect(signed.count == 2)
        #expect(
            signed.allSatisfy { $0.header("X-Calsync-Signature") == expectedSignature($0.body, secret: Self.secret) })
        await receiver.stop()
    }

    @Test func aChannelThatDoesNotAnswerCostsOneCallDeadline() async throws {
        // Given a channel that answers only after 15 s, and a notifier that waits 200 ms per call
        let receiver = try await NotificationReceiver.start(delay: .seconds(15))
        var world = try NotifyWorld()
        defer { world.remove() }
        world.environment = ["HOOK_URL": receiver.baseURL + "/slow"]
        try world.record(ChannelSpec(name: ChannelName(rawValue: "slow")!, type: .webhook, url: .env("HOOK_URL")))
        try world.enqueue(.conflict, message: "mapping m-1 changed on both sides", key: "conflict:m-1")
        try world.enqueue(.conflict, message: "mapping m-2 changed on both sides", key: "conflict:m-2")

        // When the notifier runs
        let clock = ContinuousClock()
        let start = clock.now
        let report = await world.notify(configuration: Notifier.Configuration(callDeadline: .milliseconds(200)))
        let elapsed = clock.now - start

        // Then the first send times out, the channel's turn ends, and the run does not wait for the answer
        #expect(report.failures.map(\.message) == ["no answer within 200ms"])
        #expect(elapsed < .seconds(12), "the run waited for the answer: \(elapsed)")
        let pending = try world.store.undeliveredEvents()
        #expect(
            pending.map { $0.delivery(to: ChannelName(rawValue: "slow")!).attempts } == [1, 0],
            "the second event waits its turn")
        await receiver.stop()
    }
}
