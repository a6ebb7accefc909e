import CalsyncModel
import CalsyncSecrets
import CalsyncState
import CalsyncTesting
import Foundation
import GRDB
import Testing

/// `calsync doctor` end to end: the binary against real state files, a real lock, real secrets and
/// real sockets, read back from its text and JSON output and its exit code.
///
/// Serialized, with the state built in-process, so that waiting on the binary holds at most one
/// thread of the shared pool.
@Suite(.serialized) struct DoctorCommandTests {
    static let keyA = Data(repeating: 0xC3, count: 32).base64EncodedString()
    static let keyB = Data(repeating: 0xD4, count: 32).base64EncodedString()
    static let googleSecret = "gcs-9f1e-google-client-secret"
    static let microsoftSecret = "mcs-41d0-microsoft-client-secret"
    static let apiToken = "tok-77aa-acme-api-token"
    static let refreshToken = "1//refresh-acme-plaintext-5c2e"
    static let google = ProviderRef("acme/google-main")!
    static let rooms = ProviderRef("acme/outlook-rooms")!

    static let manifests = """
        apiVersion: calsync/v1
        kind: Tenant
        metadata: { name: acme }
        spec:
          oauthApps:
            google:
              clientId: 1234.apps.googleusercontent.com
              clientSecret: { env: ACME_GOOGLE_CLIENT_SECRET }
              redirectUri: http://127.0.0.1:8765/oauth/callback
            microsoft:
              clientId: 00000000-0000-0000-0000-000000000000
              clientSecret: { file: secrets/ms-client-secret }
              redirectUri: http://127.0.0.1:8765/oauth/callback
          apiToken: { env: ACME_API_TOKEN }
        ---
        apiVersion: calsync/v1
        kind: CalendarProvider
        metadata: { name: google-main, tenant: acme }
        spec: { vendor: google, calendarId: primary, syncInterval: 15m }
        ---
        apiVersion: calsync/v1
        kind: CalendarProvider
        metadata: { name: outlook-rooms, tenant: acme }
        spec: { vendor: microsoft, calendarId: calendar, syncInterval: 30m }

        """

    static func ring(_ current: String) throws -> Keyring {
        try Keyring.fromEnvironment([Keyring.encryptionKeyVariable: current], random: .system)
    }

    static func spec(_ ref: ProviderRef) -> ProviderSpec {
        ref == rooms
            ? ProviderSpec(ref: ref, vendor: .microsoft, calendarId: "calendar", syncInterval: .minutes(30))
            : ProviderSpec(ref: ref, vendor: .google, calendarId: "primary", syncInterval: .minutes(15))
    }

    /// Given manifests whose secrets all resolve, the key, and a state recording both providers as
    /// synced five minutes ago, each with a credential sealed under key A.
    func healthy() throws -> (Workspace, SQLiteStateStore) {
        let ws = try Workspace()
        try ws.write("manifests/acme.yaml", Self.manifests)
        try ws.write("secrets/ms-client-secret", Self.microsoftSecret + "\n")
        ws.environment = [
            Keyring.encryptionKeyVariable: Self.keyA, "ACME_GOOGLE_CLIENT_SECRET": Self.googleSecret,
            "ACME_API_TOKEN": Self.apiToken,
        ]
        let store = try SQLiteStateStore(path: ws.path + "/.calsync/state.db", mode: .readWrite)
        try store.apply(.recordTenant(TenantSpec(name: Self.google.tenant)))
        for ref in [Self.google, Self.rooms] {
            try recordProvider(ref, lastSync: Date().addingTimeInterval(-300), in: store)
            try store.storeCredential(ref, try Self.ring(Self.keyA).seal(Secret(Self.refreshToken)), at: Date())
        }
        return (ws, store)
    }

    func recordProvider(_ ref: ProviderRef, lastSync: Date?, in store: SQLiteStateStore) throws {
        let card = ProviderCardState(
            ready: Condition(
                status: .true, reason: .converged, message: "", lastTransitionTime: Date(timeIntervalSince1970: 0)),
            pendingActions: [])
        let state = ProviderState(
            ref: ref, applied: Self.spec(ref), credential: .valid,
            lastSync: lastSync.map { LastSync(at: $0, result: .succeeded) })
        try store.apply(.recordProvider(state, card: card))
    }

    /// One printed check: its level, what it found and its fix.
    struct Line: Equatable {
        var level: String
        var detail: String
        var fix: String?
    }

    /// The text output read back: check title → line, in printed order.
    static func parse(_ stdout: String) -> [(title: String, line: Line)] {
        var lines: [(title: String, line: Line)] = []
        for text in stdout.split(separator: "\n", omittingEmptySubsequences: false) {
            if text.hasPrefix("     fix: "), !lines.isEmpty {
                lines[lines.count - 1].line.fix = String(text.dropFirst("     fix: ".count))
                continue
            }
            let level = text.prefix(4).trimmingCharacters(in: .whitespaces)
            guard ["OK", "WARN", "FAIL"].contains(level), let colon = text.dropFirst(5).range(of: ": ") else {
                continue
            }
            let title = String(text.dropFirst(5)[..<colon.lowerBound])
            lines.append((title, Line(level: level, detail: String(text[colon.upperBound...]), fix: nil)))
        }
        return lines
    }

    /// Runs `calsync doctor` and reads its checks back.
    func doctor(
        _ ws: Workspace, _ arguments: [String] = [], environment: [String: String] = [:], unset: [String] = []
    ) throws -> (result: CommandResult, checks: [String: Line]) {
        var base = ws.environment
        for name in unset { base[name] = nil }
        let result = try CommandRunner.calsync(
            ["doctor"] + arguments, in: ws.path, environment: base.merging(environment) { $1 })
        let parsed = Self.parse(result.stdout)
        return (result, Dictionary(parsed.map { ($0.title, $0.line) }, uniquingKeysWith: { first, _ in first }))
    }

    /// No key, token or secret value appears in anything the command printed.
    func expectNoSecrets(_ result: CommandResult, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        for secret in [Self.keyA, Self.keyB, Self.googleSecret, Self.microsoftSecret, Self.apiToken, Self.refreshToken]
        {
            #expect(!result.stdout.contains(secret), "stdout shows a secret", sourceLocation: sourceLocation)
            #expect(!result.stderr.contains(secret), "stderr shows a secret", sourceLocation: sourceLocation)
        }
    }

    // MARK: - A healthy setup

    @Test func healthySetupAnsweringWebhooksIsAllOK() throws {
        // Given a healthy setup and something answering at the webhook base URL
        let (ws, _) = try healthy()
        let server = try HealthzServer(status: 200)
        defer { server.stop() }
        // When doctor runs
        let (result, checks) = try doctor(ws, ["--webhook-base-url", "http://127.0.0.1:\(server.port)"])
        // Then every check is OK, in checklist order, and the exit code is 0
        #expect(result.exitCode == 0, "\(result.stdout)\(result.stderr)")
        let titles = Self.parse(result.stdout).map(\.title)
        #expect(
            titles == [
                "encryption key", "decryption keys", "state", "sealed records", "run lock", "OAuth apps", "API tokens",
                "notification channels", "webhook base URL", "last syncs", "webhooks", "conflicts", "notifications",
                "clock",
            ])
        for (title, line) in checks { #expect(line == Line(level: "OK", detail: line.detail, fix: nil), "\(title)") }
        #expect(result.stdout.hasSuffix("\nDoctor: 14 OK, 0 WARN, 0 FAIL.\n"))
        #expect(checks["webhook base URL"]?.detail == "http://127.0.0.1:\(server.port)/healthz answered HTTP 200")
        #expect(server.requestLines == ["GET /healthz HTTP/1.1"])
        #expect(checks["OAuth apps"]?.detail == "every client secret resolves (2 secrets, 1 tenant)")
        #expect(checks["sealed records"]?.detail == "2 credentials and 0 webhook secrets are sealed under keys at hand")
        #expect(!result.stdout.contains("\u{1B}["), "no colour without a terminal")
        expectNoSecrets(result)
    }

    @Test func withoutAWebhookBaseURLProvidersPoll() throws {
        let (ws, _) = try healthy()
        let (result, checks) = try doctor(ws)
        #expect(result.exitCode == 0, "a WARN alone exits 0: \(result.stdout)")
        #expect(checks["webhook base URL"]?.level == "WARN")
        #expect(checks["webhook base URL"]?.detail.contains("poll every syncInterval") == true)
        #expect(checks["webhook base URL"]?.fix?.contains("CALSYNC_WEBHOOK_BASE_URL") == true)
        #expect(checks.values.filter { $0.level != "OK" }.count == 1)
        #expect(result.stdout.hasSuffix("\nDoctor: 13 OK, 1 WARN, 0 FAIL.\n"))
    }

    @Test func webhookBaseURLWithNothingListeningFails() throws {
        let (ws, _) = try healthy()
        let port = try HealthzServer.closedPort()
        let (result, checks) = try doctor(ws, environment: ["CALSYNC_WEBHOOK_BASE_URL": "http://127.0.0.1:\(port)/"])
        #expect(result.exitCode == 1)
        let line = try #require(checks["webhook base URL"])
        #expect(line.level == "FAIL")
        #expect(line.detail.hasPrefix("http://127.0.0.1:\(port)/healthz gave no answer within 5s"), "\(line.detail)")
        #expect(line.fix?.contains("calsync serve") == true)
    }

    @Test func aServerErrorBehindTheWebhookBaseURLWarns() throws {
        let (ws, _) = try healthy()
        let server = try HealthzServer(status: 502)
        defer { server.stop() }
        let (result, checks) = try doctor(ws, ["--webhook-base-url", "http://127.0.0.1:\(server.port)"])
        #expect(result.exitCode == 0)
        #expect(checks["webhook base URL"]?.level == "WARN")
        #expect(checks["webhook base URL"]?.detail.contains("answered HTTP 502") == true)
    }

    // MARK: - Keys

    @Test func missingEncryptionKeyFailsNamingTheVariable() throws {
        let (ws, _) = try healthy()
        let (result, checks) = try doctor(ws, unset: [Keyring.encryptionKeyVariable])
        #expect(result.exitCode == 1)
        let line = try #require(checks["encryption key"])
        #expect(line.level == "FAIL")
        #expect(line.detail.hasPrefix("CALENDAR_OAUTH_ENCRYPTION_KEY is not set."))
        #expect(line.fix?.contains("CALENDAR_OAUTH_ENCRYPTION_KEY") == true)
        // And the stored credentials, sealed under a key no longer at hand, are named too
        #expect(checks["sealed records"]?.level == "FAIL")
        #expect(result.stdout.contains("\n     fix: "))
        expectNoSecrets(result)
    }

    /// Environment, the check, and what its line says.
    static let malformedKeys: [([String: String], String, String)] = [
        (
            [Keyring.encryptionKeyVariable: "%%%"], "encryption key",
            "CALENDAR_OAUTH_ENCRYPTION_KEY is not valid base64."
        ),
        (
            [Keyring.encryptionKeyVariable: "bm90IGEga2V5"], "encryption key",
            "CALENDAR_OAUTH_ENCRYPTION_KEY decodes to 9 bytes;"
        ),
        (
            [Keyring.decryptionKeysVariable: "\(keyB),%%%"], "decryption keys",
            "entry 2 of CALENDAR_OAUTH_DECRYPTION_KEYS is not valid base64."
        ),
    ]

    @Test(arguments: malformedKeys)
    func malformedKeysFailNamingTheVariable(environment: [String: String], check: String, says: String) throws {
        let (ws, _) = try healthy()
        let (result, checks) = try doctor(ws, environment: environment)
        #expect(result.exitCode == 1)
        #expect(checks[check]?.level == "FAIL")
        #expect(checks[check]?.detail.hasPrefix(says) == true, "\(checks[check]?.detail ?? result.stdout)")
        for value in environment.values {
            for part in value.split(separator: ",") { #expect(!result.stdout.contains(part)) }
        }
        expectNoSecrets(result)
    }

    @Test func recordsSealedUnderAKeyNotAtHandFailNamingTheProvider() throws {
        // Given one credential and one webhook secret sealed under key B, which the environment lacks
        let (ws, store) = try healthy()
        let ringB = try Self.ring(Self.keyB)
        try store.storeCredential(Self.rooms, try ringB.seal(Secret(Self.refreshToken)), at: Date())
        try store.recordWebhook(
            WebhookRecord(
                id: "sub-7", ref: Self.rooms, vendor: .microsoft, secret: try ringB.seal(Secret("client-state")),
                expiresAt: Date().addingTimeInterval(3 * 86400)))
        // When doctor runs with key A only
        let (result, checks) = try doctor(ws)
        // Then the check fails naming key B's id, the provider and the webhook, and how to fix it
        #expect(result.exitCode == 1)
        let line = try #require(checks["sealed records"])
        let idB = ringB.current.id
        #expect(line.level == "FAIL")
        #expect(
            line.detail
                == "key \(idB) seals acme/outlook-rooms, acme/outlook-rooms (webhook sub-7), and it is not at hand")
        #expect(line.fix?.contains("Add the key whose id is \(idB) to CALENDAR_OAUTH_DECRYPTION_KEYS") == true)
        #expect(line.fix?.contains("`calsync authorize acme/outlook-rooms`") == true)
        #expect(line.fix?.contains("acme/google-main") == false)
        expectNoSecrets(result)
        // When the old key is listed as a decryption key, Then the records open again
        let (fixed, after) = try doctor(ws, environment: [Keyring.decryptionKeysVariable: Self.keyB])
        #expect(after["sealed records"]?.level == "OK")
        #expect(after["decryption keys"]?.detail == "CALENDAR_OAUTH_DECRYPTION_KEYS holds 1 key: \(idB)")
        #expect(fixed.exitCode == 0, "\(fixed.stdout)")
    }

    // MARK: - Secrets of the manifests

    @Test func unresolvableSecretsAreNamedAndNeverPrinted() throws {
        // Given the Google client secret's variable and the API token's variable unset
        let (ws, _) = try healthy()
        let (result, checks) = try doctor(ws, unset: ["ACME_GOOGLE_CLIENT_SECRET", "ACME_API_TOKEN"])
        // Then the OAuth apps fail naming the variable, and the API token warns
        #expect(result.exitCode == 1)
        let apps = try #require(checks["OAuth apps"])
        #expect(apps.level == "FAIL")
        #expect(
            apps.detail == """
                1 of 2 client secrets does not resolve. The Google client secret of tenant acme is read from the environment \
                variable ACME_GOOGLE_CLIENT_SECRET, which is not set. Set ACME_GOOGLE_CLIENT_SECRET.
                """)
        #expect(checks["API tokens"]?.level == "WARN")
        #expect(checks["API tokens"]?.detail.contains("ACME_API_TOKEN, which is not set") == true)
        // And the secret that does resolve, read from its file, is never printed
        expectNoSecrets(result)
        // When the file is gone too, Then it is named
        try ws.remove("secrets/ms-client-secret")
        let (_, missingFile) = try doctor(ws)
        #expect(
            missingFile["OAuth apps"]?.detail.contains("the file \"secrets/ms-client-secret\", which cannot be read")
                == true)
    }

    @Test func manifestsThatDoNotLoadPointAtValidate() throws {
        let (ws, _) = try healthy()
        try ws.write(
            "manifests/broken.yaml", "apiVersion: calsync/v1\nkind: Tenant\nmetadata: { name: Not_A_Label }\nspec: {}\n"
        )
        let (result, checks) = try doctor(ws)
        #expect(result.exitCode == 1)
        #expect(checks["OAuth apps"]?.level == "FAIL")
        #expect(checks["OAuth apps"]?.fix == "Run `calsync validate manifests/` and fix what it reports.")
        #expect(checks["API tokens"] == nil)
        #expect(result.stderr.isEmpty, "doctor does not print the diagnostics: \(result.stderr)")
    }

    // MARK: - State and lock

    @Test func missingStateWarnsAndIsNeverCreated() throws {
        let (ws, _) = try healthy()
        try ws.remove(".calsync")
        let (result, checks) = try doctor(ws)
        #expect(result.exitCode == 0, "\(result.stdout)")
        #expect(checks["state"]?.level == "WARN")
        #expect(
            checks["state"]?.detail
                == "no state database at \".calsync/state.db\": nothing has been reconciled with it yet")
        #expect(checks["last syncs"] == nil && checks["sealed records"] == nil, "nothing to read without a state")
        #expect(!ws.exists(".calsync/state.db"))
    }

    @Test func olderSchemaFailsAskingForMigrate() throws {
        // Given a state whose last migration is not recorded
        let (ws, _) = try healthy()
        let queue = try DatabaseQueue(path: ws.path + "/.calsync/state.db")
        try queue.write { try $0.execute(sql: "DELETE FROM grdb_migrations WHERE identifier = 'v3-vendors'") }
        try queue.close()
        let (result, checks) = try doctor(ws)
        #expect(result.exitCode == 1)
        #expect(checks["state"]?.level == "FAIL")
        #expect(checks["state"]?.detail.contains("has an older schema") == true)
        #expect(checks["state"]?.fix == "Run `calsync state migrate`, then run doctor again.")
    }

    @Test func unreadableStateFails() throws {
        let (ws, _) = try healthy()
        try ws.remove(".calsync")
        try ws.write(".calsync/state.db", String(repeating: "not a database ", count: 400))
        let (result, checks) = try doctor(ws)
        #expect(result.exitCode == 1)
        #expect(checks["state"]?.level == "FAIL")
        #expect(checks["state"]?.fix?.contains("calsync state backup") == true)
    }

    @Test func heldLockWarnsNamingTheHolder() async throws {
        let (ws, _) = try healthy()
        let since = Date(timeIntervalSince1970: 1_790_000_000)
        let holder = LockHolder(id: "ops-42", command: "calsync reconcile", pid: 4242, host: "runner-1", since: since)
        let lock = try await StateLock.acquire(
            databasePath: ws.path + "/.calsync/state.db", holder: holder, timeout: nil)
        defer { lock.release() }
        let (result, checks) = try doctor(ws)
        #expect(result.exitCode == 0)
        let line = try #require(checks["run lock"])
        #expect(line.level == "WARN")
        #expect(
            line.detail
                == "held by calsync reconcile (lock id ops-42, pid 4242 on runner-1, since \(RFC3339.string(since)))")
        #expect(line.fix?.contains("`calsync state unlock --force ops-42`") == true)
    }

    // MARK: - What waited too long

    @Test func lateSyncsDueWebhooksOldConflictsAndStuckNotificationsWarn() throws {
        // Given outlook-rooms last synced 3h ago (every 30m), a webhook expiring in 2h and one expired,
        // a conflict two days old and one an hour old, and notifications stuck, delivered and fresh
        let (ws, store) = try healthy()
        let now = Date()
        let ring = try Self.ring(Self.keyA)
        try recordProvider(Self.rooms, lastSync: now.addingTimeInterval(-3 * 3600), in: store)
        try store.recordWebhook(
            WebhookRecord(
                id: "ch-1", ref: Self.google, vendor: .google, secret: try ring.seal(Secret("token-1")),
                expiresAt: now.addingTimeInterval(2 * 3600)))
        try store.recordWebhook(
            WebhookRecord(
                id: "sub-2", ref: Self.rooms, vendor: .microsoft, secret: try ring.seal(Secret("state-2")),
                expiresAt: now.addingTimeInterval(-3600)))
        try store.recordWebhook(
            WebhookRecord(
                id: "ch-3", ref: Self.google, vendor: .google, secret: try ring.seal(Secret("token-3")),
                expiresAt: now.addingTimeInterval(3 * 86400)))
        let queue = try DatabaseQueue(path: ws.path + "/.calsync/state.db")
        try queue.write { db in
            for (id, detected) in [
                ("m-old", now.addingTimeInterval(-2 * 86400)), ("m-new", now.addingTimeInterval(-3600)),
            ] {
                try db.execute(
                    sql:
                        "INSERT INTO mapping (id, tenant, provider, syncStatus) VALUES (?, 'acme', 'google-main', 'conflict')",
                    arguments: [id])
                try db.execute(
                    sql: "INSERT INTO conflict (mappingId, detectedAt, local, external) VALUES (?, ?, '{}', '{}')",
                    arguments: [id, RFC3339.preciseString(detected)])
            }
        }
        for (key, age) in [("stuck", 3.0 * 3600), ("delivered", 5.0 * 3600), ("fresh", 600.0)] {
            try store.enqueue(
                NotificationEvent(
                    type: .error, tenant: Self.rooms.tenant, provider: Self.rooms.provider,
                    at: now.addingTimeInterval(-age),
                    message: "sync failed", dedupeKey: key))
        }
        try queue.write { db in
            try db.execute(sql: "UPDATE outbox SET attempts = 4 WHERE dedupeKey = 'stuck'")
            try db.execute(
                sql: "UPDATE outbox SET deliveredAt = ?, attempts = 1 WHERE dedupeKey = 'delivered'",
                arguments: [RFC3339.preciseString(now)])
        }
        try queue.close()
        // When doctor runs
        let (result, checks) = try doctor(ws)
        // Then each is a WARN naming what waited, and only what waited too long
        #expect(result.exitCode == 0, "\(result.stdout)")
        let syncs = try #require(checks["last syncs"])
        #expect(syncs.level == "WARN")
        #expect(
            syncs.detail
                == "1 provider not synced for over twice the syncInterval: acme/outlook-rooms (last 3h ago, every 30m)")
        let webhooks = try #require(checks["webhooks"])
        #expect(webhooks.level == "WARN")
        #expect(webhooks.detail.hasPrefix("1 expired: acme/outlook-rooms (webhook sub-2, "), "\(webhooks.detail)")
        #expect(webhooks.detail.contains("; 1 expiring within 1d: acme/google-main (webhook ch-1, at "))
        #expect(!webhooks.detail.contains("ch-3"))
        let conflicts = try #require(checks["conflicts"])
        #expect(conflicts.level == "WARN")
        #expect(conflicts.detail == "1 conflict unresolved for more than 1d: acme/google-main (1, oldest 2d ago)")
        #expect(conflicts.fix?.contains("`calsync conflicts list --tenant acme`") == true)
        let notifications = try #require(checks["notifications"])
        #expect(notifications.level == "WARN")
        #expect(
            notifications.detail
                == "1 notification undelivered for more than 1h (oldest queued 3h ago, up to 4 attempts): acme/outlook-rooms (1)"
        )
        #expect(result.stdout.hasSuffix("\nDoctor: 9 OK, 5 WARN, 0 FAIL.\n"))
    }

    @Test func clockOffsetWarnsAndShiftsEveryAge() throws {
        // Given a healthy state synced five minutes ago
        let (ws, _) = try healthy()
        // When calsync's clock is moved three days ahead
        let (result, checks) = try doctor(ws, environment: ["CALSYNC_CLOCK_OFFSET": "72h"])
        // Then the clock warns, and the last syncs are judged on the shifted clock
        #expect(result.exitCode == 0)
        #expect(checks["clock"]?.level == "WARN")
        #expect(checks["clock"]?.detail.hasPrefix("CALSYNC_CLOCK_OFFSET shifts calsync's clock by 3d") == true)
        #expect(checks["clock"]?.fix == "Unset CALSYNC_CLOCK_OFFSET outside emulator tests and what-if plans.")
        #expect(checks["last syncs"]?.level == "WARN")
        #expect(checks["last syncs"]?.detail.hasPrefix("2 providers not synced") == true)
    }

    // MARK: - JSON

    @Test func jsonListsEveryCheckWithItsFix() throws {
        let (ws, _) = try healthy()
        let text = try doctor(ws, unset: [Keyring.encryptionKeyVariable]).result
        let (result, _) = try doctor(ws, ["-o", "json"], unset: [Keyring.encryptionKeyVariable])
        #expect(result.exitCode == 1)
        let document = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(Array(document.keys) == ["checks"])
        let checks = try #require(document["checks"] as? [[String: Any]])
        #expect(
            checks.map { $0["check"] as? String } == [
                "encryption_key", "decryption_keys", "state", "sealed_records", "lock", "oauth_apps", "api_tokens",
                "notification_channels", "webhook_base_url", "last_syncs", "webhooks", "conflicts", "notifications",
                "clock",
            ])
        let textLines = Self.parse(text.stdout)
        #expect(textLines.count == checks.count)
        for (check, line) in zip(checks, textLines) {
            #expect(Set(check.keys) == ["check", "level", "detail", "fix"])
            #expect((check["level"] as? String)?.uppercased() == line.line.level)
            #expect(check["detail"] as? String == line.line.detail)
            if let fix = line.line.fix {
                #expect(check["fix"] as? String == fix)
            } else {
                #expect(check["fix"] is NSNull)
            }
        }
        #expect(checks.first?["level"] as? String == "fail")
        expectNoSecrets(result)
    }
}
