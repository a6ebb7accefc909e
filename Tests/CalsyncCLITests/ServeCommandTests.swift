import CalsyncModel
import CalsyncSecrets
import CalsyncState
import CalsyncTesting
import Foundation
import Testing

/// `calsync serve` end to end: the built binary as a child process, driven over real HTTP, against a
/// workspace whose manifests were reconciled first.
///
/// Serialized: each test runs a server and, while it runs, the binary again.
@Suite(.serialized) struct ServeCommandTests {
    static let key = Data(repeating: 0x3A, count: 32).base64EncodedString()
    static let apiToken = "acme-api-token-e2e-5a1f"
    static let channelToken = "google-channel-token-e2e-77c3"
    static let stateSecret = "e2e-state-signing-secret"
    static let ref = ProviderRef("acme/google-main")!

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
          apiToken: { env: ACME_API_TOKEN }
        ---
        apiVersion: calsync/v1
        kind: CalendarProvider
        metadata: { name: google-main, tenant: acme }
        spec: { vendor: google, calendarId: primary }

        """

    /// A workspace holding the manifests, reconciled once, with a Google channel recorded for acme/google-main.
    func reconciledWorkspace() async throws -> Workspace {
        let ws = try Workspace()
        ws.environment = [
            "CALENDAR_OAUTH_ENCRYPTION_KEY": Self.key, "ACME_API_TOKEN": Self.apiToken, "CALSYNC_STATE_SECRET": Self.stateSecret,
        ]
        try ws.write("manifests/acme.yaml", Self.manifests)
        let reconciled = try await ws.calsync(["reconcile"])
        #expect(reconciled.exitCode == 3, "\(reconciled.stderr)")
        let store = try SQLiteStateStore(path: ws.path + "/.calsync/state.db", mode: .readWrite)
        let ring = try Keyring.fromEnvironment([Keyring.encryptionKeyVariable: Self.key], random: .system)
        try store.recordWebhook(
            WebhookRecord(
                id: "chan-e2e", ref: Self.ref, vendor: .google, secret: try ring.seal(Secret(Self.channelToken)),
                expiresAt: Date().addingTimeInterval(86_400)))
        return ws
    }

    func serve(_ ws: Workspace, _ extra: [String] = []) async throws -> ServerProcess {
        try await ServerProcess.launch(["--listen", "127.0.0.1:0", "--interval", "1h", "--debounce", "1s"] + extra, in: ws.path, environment: ws.environment)
    }

    func store(_ ws: Workspace) throws -> SQLiteStateStore {
        try SQLiteStateStore(path: ws.path + "/.calsync/state.db", mode: .readOnly)
    }

    func expectNoSecrets(_ texts: [String]) {
        for text in texts {
            for secret in [Self.key, Self.apiToken, Self.channelToken, Self.stateSecret] {
                #expect(!text.contains(secret), "a secret was printed")
            }
        }
    }

    @Test func servesWebhooksAndTheAPIWhileOperatorCommandsWorkThenStopsOnSigterm() async throws {
        let ws = try await reconciledWorkspace()
        let server = try await serve(ws)
        // Health, and the reconcile pass at start
        let health = try await server.send("GET", "/healthz")
        #expect(health.status == 200 && health.text == "{\n  \"status\": \"ok\"\n}\n")
        var passes = ""
        for _ in 0..<200 where !passes.contains("calsync_reconcile_passes_total{result=\"completed\"} 1") {
            passes = try await server.send("GET", "/metrics").text
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(passes.contains("calsync_reconcile_passes_total{result=\"completed\"} 1"), "\(server.stderr)")

        // A forged Google notification changes nothing
        let serial = try store(ws).serial()
        let before = try store(ws).snapshot()
        let forged = try await server.send(
            "POST", "/webhooks/google",
            headers: ["X-Goog-Channel-ID": "chan-e2e", "X-Goog-Channel-Token": "guessed", "X-Goog-Resource-State": "exists"])
        #expect(forged.status == 403)
        #expect(try store(ws).serial() == serial)
        #expect(try store(ws).snapshot() == before)
        // The right one marks the provider due, and the worker asks the sync seam
        let accepted = try await server.send(
            "POST", "/webhooks/google",
            headers: ["X-Goog-Channel-ID": "chan-e2e", "X-Goog-Channel-Token": Self.channelToken, "X-Goog-Resource-State": "exists"])
        #expect(accepted.status == 200)
        #expect(try store(ws).snapshot().providers.first { $0.ref == Self.ref }?.isNotificationPending == true)
        #expect(try store(ws).serial() == serial)

        // The Graph handshake
        let handshake = try await server.send("POST", "/webhooks/microsoft?validationToken=abc%20def")
        #expect(handshake.status == 200 && handshake.text == "abc def")

        // The API and the CLI see the same entries and cards, byte for byte
        let created = try await server.send(
            "POST", "/api/v1/tenants/acme/entries",
            headers: ["Authorization": "Bearer \(Self.apiToken)", "Content-Type": "application/json"],
            body: Data(#"{"title": "Board meeting", "start": "2026-12-01T10:00:00Z", "end": "2026-12-01T11:00:00Z"}"#.utf8))
        #expect(created.status == 201)
        let added = try await ws.calsync(["entries", "add", "--tenant", "acme", "--title", "Standup", "--start", "2026-12-02T09:00:00Z", "--end", "2026-12-02T09:15:00Z"])
        #expect(added.exitCode == 0, "\(added.stderr)")
        let apiEntries = try await server.send("GET", "/api/v1/tenants/acme/entries", headers: ["Authorization": "Bearer \(Self.apiToken)"])
        let cliEntries = try await ws.calsync(["entries", "list", "--tenant", "acme", "-o", "json"])
        #expect(apiEntries.text == cliEntries.stdout)
        #expect(apiEntries.json?["entries"]?.arrayValue?.count == 2)
        let apiCards = try await server.send("GET", "/api/v1/tenants/acme/providers", headers: ["Authorization": "Bearer \(Self.apiToken)"])
        let cliCards = try await ws.calsync(["status", "acme", "-o", "json"])
        #expect(cliCards.exitCode == 0)
        #expect(apiCards.text == cliCards.stdout)
        #expect(try await server.send("GET", "/api/v1/tenants/acme/providers").status == 401)

        // A reconcile between passes takes the run lock and finishes (blocked on consent, not on the lock)
        let reconcile = try await ws.calsync(["reconcile", "--lock-timeout", "30s"])
        #expect(reconcile.exitCode == 3, "\(reconcile.stderr)")

        // The OAuth callback refuses a forged state
        let callback = try await server.send("GET", "/oauth/callback?code=c&state=v1.YWNtZS9nb29nbGUtbWFpbgoxCm4.AAAA")
        #expect(callback.status == 403)

        // The notified provider's sync was tried (after the debounce); without consent it stays due
        for _ in 0..<100 where !server.stderr.contains("the provider stays due") { try await Task.sleep(for: .milliseconds(50)) }
        #expect(server.stderr.contains("authorization required: run `calsync authorize acme/google-main`"))
        #expect(server.stderr.contains("the provider stays due"))
        let metrics = try await server.send("GET", "/metrics").text
        #expect(metrics.contains("calsync_webhook_notifications_total{vendor=\"google\",result=\"accepted\"} 1"))
        #expect(metrics.contains("calsync_webhook_notifications_total{vendor=\"google\",result=\"rejected\"} 1"))
        #expect(metrics.contains("calsync_syncs_total{result=\"pending\"} 1"))

        // SIGTERM: exit 0, promptly, the state sound
        let started = ContinuousClock.now
        let code = await server.stop(signal: SIGTERM, timeout: .seconds(15))
        #expect(code == 0, "\(server.stderr)")
        #expect(ContinuousClock.now - started < .seconds(10))
        #expect(try store(ws).integrityCheck() == "ok")
        #expect(!StateLock.isHeld(databasePath: ws.path + "/.calsync/state.db.serve"), "the serve lease outlived the server")
        expectNoSecrets([server.stdout, server.stderr, apiEntries.text, apiCards.text, forged.text, callback.text])
    }

    @Test func aSecondServeOnTheSameStateExitsFourNamingTheFirst() async throws {
        let ws = try await reconciledWorkspace()
        let first = try await serve(ws)
        do {
            let second = try await serve(ws)
            _ = await second.stop()
            Issue.record("a second serve started")
        } catch let failure as ServerProcess.StartFailure {
            #expect(failure.exitCode == 4)
            #expect(failure.stderr.contains("calsync serve"), "\(failure.stderr)")
            #expect(failure.stderr.contains("pid "))
            #expect(failure.stdout.isEmpty)
        }
        // A serve on another state cannot take the first one's address: exit 1, and no pass ran
        let address = String(first.baseURL.dropFirst("http://".count))
        do {
            let taken = try await ServerProcess.launch(
                ["--listen", address, "--state", "other/state.db", "--status-dir", "other/status"], in: ws.path, environment: ws.environment)
            _ = await taken.stop()
            Issue.record("a serve started on a taken address")
        } catch let failure as ServerProcess.StartFailure {
            #expect(failure.exitCode == 1)
            #expect(failure.stderr.contains("cannot listen on \(address)"), "\(failure.stderr)")
            #expect(!failure.stdout.contains("Reconcile:"))
            #expect(!ws.exists("other/status"))
        }
        // And once the first stops, a new one starts
        #expect(await first.stop() == 0)
        let next = try await serve(ws)
        #expect(try await next.send("GET", "/healthz").status == 200)
        #expect(await next.stop() == 0)
    }

    @Test func aHeldRunLockSkipsThePassWithALogLine() async throws {
        let ws = try await reconciledWorkspace()
        let holder = LockHolder(id: "testlock", command: "calsync reconcile", pid: 1, host: "test", since: Date())
        let lock = try await StateLock.acquire(databasePath: ws.path + "/.calsync/state.db", holder: holder, timeout: nil)
        let server = try await ServerProcess.launch(["--listen", "127.0.0.1:0", "--interval", "1s"], in: ws.path, environment: ws.environment)
        var metrics = ""
        for _ in 0..<200 where !metrics.contains("calsync_reconcile_passes_total{result=\"skipped\"} 2") {
            metrics = try await server.send("GET", "/metrics").text
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(metrics.contains("calsync_reconcile_passes_total{result=\"skipped\"} 2"))
        #expect(server.stderr.contains("reconcile pass skipped: the run lock is held"))
        #expect(server.stderr.contains("lock id testlock"))
        // Released: the next pass completes
        lock.release()
        for _ in 0..<200 where !metrics.contains("calsync_reconcile_passes_total{result=\"completed\"} 1") {
            metrics = try await server.send("GET", "/metrics").text
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(metrics.contains("calsync_reconcile_passes_total{result=\"completed\"} 1"))
        #expect(await server.stop() == 0)
    }

    @Test func theWebOAuthFlowStoresTheTokenOnce() async throws {
        // Given the emulator's apps, with the web redirect URI and an API token declared
        let world = try await VendorWorld.start(microsoft: [:])
        defer { Task { await world.stop() } }
        let ws = world.workspace
        let redirect = "http://127.0.0.1:\(world.redirectPort)/oauth/callback"
        var manifest = try #require(ws.read("manifests/acme.yaml"))
        manifest = manifest.replacingOccurrences(of: "      redirectUri: \(redirect)\n", with: "      redirectUri: \(redirect)\n      webRedirectUri: \(redirect)\n")
        manifest = manifest.replacingOccurrences(of: "spec:\n  oauthApps:", with: "spec:\n  apiToken: { env: ACME_API_TOKEN }\n  oauthApps:")
        try ws.write("manifests/acme.yaml", manifest)
        ws.environment["ACME_API_TOKEN"] = Self.apiToken
        ws.environment["CALSYNC_STATE_SECRET"] = Self.stateSecret
        await #expect(try ws.calsync(["reconcile"]).exitCode == 3)
        let server = try await serve(ws)
        // When the operator starts at /oauth/start and the vendor consents
        let start = try await server.send("GET", "/oauth/start/acme/google-main", headers: ["Authorization": "Bearer \(Self.apiToken)"])
        #expect(start.status == 302, "\(start.text)")
        let authorizeURL = try #require(start.header("location"))
        #expect(authorizeURL.contains("code_challenge_method=S256"))
        let consent = try await world.emulator.send("GET", authorizeURL)
        let redirected = try #require(consent.header("location").flatMap(URLComponents.init(string:)))
        let code = try #require(redirected.queryItems?.first { $0.name == "code" }?.value)
        let state = try #require(redirected.queryItems?.first { $0.name == "state" }?.value)
        var callback = URLComponents()
        callback.path = "/oauth/callback"
        callback.queryItems = [URLQueryItem(name: "code", value: code), URLQueryItem(name: "state", value: state)]
        let encoded = try #require(callback.percentEncodedQuery).replacingOccurrences(of: "+", with: "%2B")
        // Then the callback stores the sealed token, once
        let done = try await server.send("GET", "/oauth/callback?" + encoded)
        #expect(done.status == 200, "\(done.text)")
        let status = try await ws.calsync(["status", "acme/google-main", "-o", "json"])
        #expect(status.stdout.contains("\"oauth\": \"OAuth Complete\""), "\(status.stdout)")
        let again = try await server.send("GET", "/oauth/callback?" + encoded)
        #expect(again.status == 400)
        #expect(!done.text.contains(code) && !again.text.contains(code) && !server.stderr.contains(code))

        // And `authorize --web` prints a signed link serve accepts without a bearer token, and refuses once edited
        let link = try await ws.calsync(["authorize", "acme/google-main", "--web", server.baseURL])
        #expect(link.exitCode == 0, "\(link.stderr)")
        let url = link.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(url.hasPrefix(server.baseURL + "/oauth/start/acme/google-main?expires="))
        let path = String(url.dropFirst(server.baseURL.count))
        let signed = try await server.send("GET", path)
        #expect(signed.status == 302, "\(signed.text)")
        let forged = try await server.send("GET", path.replacingOccurrences(of: "google-main", with: "google-other"))
        #expect(forged.status != 302)
        let unsigned = try await ws.calsync(
            ["authorize", "acme/google-main", "--web", server.baseURL], environment: ["CALSYNC_STATE_SECRET": "", "NEXTAUTH_SECRET": ""])
        #expect(unsigned.exitCode == 1)
        #expect(unsigned.stderr.contains("CALSYNC_STATE_SECRET"))
        #expect(await server.stop() == 0)
    }

    @Test func badFlagsAreUsageErrors() async throws {
        let ws = try Workspace()
        let noListen = try await ws.calsync(["serve"])
        #expect(noListen.exitCode == 64)
        let badAddress = try await ws.calsync(["serve", "--listen", "8080"])
        #expect(badAddress.exitCode == 64)
        #expect(badAddress.stderr.contains("--listen \"8080\" is not an address"))
        let badInterval = try await ws.calsync(["serve", "--listen", ":0", "--interval", "0s"])
        #expect(badInterval.exitCode == 64)
        #expect(!ws.exists(".calsync"))
    }
}
