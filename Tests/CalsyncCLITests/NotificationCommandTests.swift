import CalsyncTesting
import Crypto
import Foundation
import Testing

/// Notifications end to end: the `calsync` binary journals the outbox to status/events.jsonl and POSTs
/// to the NotificationChannels declared in the manifests, here a receiver on a loopback port.
@Suite struct NotificationCommandTests {
    static let secret = "audit-signing-key-0123"

    static let tenant = """
        apiVersion: calsync/v1
        kind: Tenant
        metadata: { name: acme }
        spec:
          oauthApps:
            google:
              clientId: c.apps.googleusercontent.com
              clientSecret: { env: ACME_GOOGLE_SECRET }
              redirectUri: http://127.0.0.1:8765/oauth/callback

        """

    static func provider(_ name: String) -> String {
        """
        ---
        apiVersion: calsync/v1
        kind: CalendarProvider
        metadata: { name: \(name), tenant: acme }
        spec: { vendor: google, calendarId: primary, enabled: false }

        """
    }

    static let channels = """
        apiVersion: calsync/v1
        kind: NotificationChannel
        metadata: { name: acme-audit }
        spec:
          type: webhook
          url: { env: AUDIT_URL }
          secret: { env: AUDIT_SECRET }
          events: [provider_deleted]
          tenants: [acme]
        ---
        apiVersion: calsync/v1
        kind: NotificationChannel
        metadata: { name: conflicts-only }
        spec:
          type: slack
          url: { env: CONFLICTS_URL }
          events: [conflict]

        """

    static func calsync(_ ws: Workspace, _ arguments: [String]) async throws -> CommandResult {
        try await ws.calsync(arguments)
    }

    @Test func reconcileThatDeletesAProviderJournalsItAndDeliversOneSignedEvent() async throws {
        // Given two providers, a signed audit webhook hearing provider_deleted, and a Slack channel that does not
        let receiver = try await NotificationReceiver.start()
        let ws = try Workspace()
        ws.environment = [
            "AUDIT_URL": receiver.baseURL + "/audit", "AUDIT_SECRET": Self.secret,
            "CONFLICTS_URL": receiver.baseURL + "/slack",
        ]
        try ws.write("manifests/acme.yaml", Self.tenant + Self.provider("google-main") + Self.provider("google-old"))
        try ws.write("manifests/channels.yaml", Self.channels)
        let first = try await Self.calsync(ws, ["reconcile"])
        #expect(first.exitCode == 0, "\(first.stderr)")
        #expect(!ws.exists("status/events.jsonl"), "no event, no journal")

        // When one provider leaves the manifests and reconcile runs
        try ws.write("manifests/acme.yaml", Self.tenant + Self.provider("google-main"))
        let second = try await Self.calsync(ws, ["reconcile"])

        // Then the run succeeds, and events.jsonl holds one provider_deleted line for it
        #expect(second.exitCode == 0, "\(second.stderr)")
        #expect(second.stderr.isEmpty, "a delivered notification prints nothing")
        let journal = try #require(ws.read("status/events.jsonl"))
        let lines = journal.split(separator: "\n").map(String.init)
        #expect(lines.count == 1)
        let line = try #require(lines.first)
        #expect(line.hasPrefix(#"{"id":1,"type":"provider_deleted","tenant":"acme","provider":"google-old","at":""#))
        #expect(
            line.hasSuffix(
                #""message":"acme/google-old deleted: 0 webhooks removed, 0 mappings dropped; entries and vendor events kept"}"#
            ))
        // And the audit webhook got exactly that object, once, with a valid signature; Slack got nothing
        let requests = await receiver.requests()
        #expect(requests.map(\.path) == ["/audit"])
        let request = try #require(requests.first)
        #expect(request.text == line)
        let mac = HMAC<SHA256>.authenticationCode(for: request.body, using: SymmetricKey(data: Data(Self.secret.utf8)))
        #expect(
            request.header("X-Calsync-Signature") == "sha256=" + Data(mac).map { String(format: "%02x", $0) }.joined())

        // When reconcile runs again, Then nothing is sent or journaled twice
        let third = try await Self.calsync(ws, ["reconcile"])
        #expect(third.exitCode == 0)
        #expect(await receiver.requests().count == 1)
        #expect(ws.read("status/events.jsonl") == journal)
        for output in [first, second, third].flatMap({ [$0.stdout, $0.stderr] }) + [journal] {
            #expect(!output.contains(Self.secret) && !output.contains(receiver.baseURL))
        }
        await receiver.stop()
    }

    @Test func anUndeliverableNotificationIsAWarningAndStaysQueued() async throws {
        // Given an audit channel whose URL variable is not set
        let ws = try Workspace()
        ws.environment = ["AUDIT_SECRET": Self.secret]
        try ws.write("manifests/acme.yaml", Self.tenant + Self.provider("google-main") + Self.provider("google-old"))
        try ws.write("manifests/channels.yaml", Self.channels)
        #expect(try await Self.calsync(ws, ["reconcile"]).exitCode == 0)

        // When a provider is deleted
        try ws.write("manifests/acme.yaml", Self.tenant + Self.provider("google-main"))
        let run = try await Self.calsync(ws, ["reconcile"])

        // Then the run still succeeds, the event is journaled, and stderr says why it was not delivered and when it is retried
        #expect(run.exitCode == 0)
        #expect(ws.read("status/events.jsonl")?.contains(#""type":"provider_deleted""#) == true)
        #expect(
            run.stderr.hasPrefix(
                "warning: notification channel \"acme-audit\": 1 event not delivered (the URL of notification channel \"acme-audit\" is read from the environment variable AUDIT_URL, which is not set. Set AUDIT_URL.); next attempt after "
            ))
        #expect(!run.stderr.contains(Self.secret))
    }
}
