import CalsyncModel
import CalsyncState
import CalsyncTesting
import Foundation
import Testing

/// `calsync authorize` end to end against the emulator: the real binary, its loopback listener, the
/// emulator's automatic consent and token endpoint, and the sealed token in a real state file.
@Suite(.serialized) struct AuthorizeCommandTests {
    /// Token prefixes the emulator issues (Google refresh/access, Microsoft refresh/access).
    static let tokenPrefixes = ["1//0g", "ya29.a0", "0.AX", "eyJ0eXAiOiJKV1QiLCJub25jZSI6"]

    func oauthBadge(_ world: VendorWorld, _ ref: String) throws -> String? {
        let status = try world.workspace.calsync(["status", ref, "-o", "json"])
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        let providers = json?["providers"] as? [[String: Any]]
        return providers?.first?["oauth"] as? String
    }

    @Test(arguments: ["acme/google-main", "acme/outlook-main"])
    func authorizeCompletesTheFlowAndSealsTheToken(ref: String) async throws {
        let world = try await VendorWorld.start()
        defer { Task { await world.stop() } }
        let first = try world.workspace.calsync(["reconcile"])
        #expect(first.exitCode == 3, "\(first.stderr)")
        #expect(first.stderr.contains("calsync authorize \(ref)"))
        #expect(try oauthBadge(world, ref) == "Authorization Required")

        let result = try await world.authorize(ref)
        #expect(result.exitCode == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 1, "--no-browser prints the URL alone on one line")
        let url = try #require(URLComponents(string: String(lines[0])))
        let query = Dictionary(uniqueKeysWithValues: (url.queryItems ?? []).map { ($0.name, $0.value ?? "") })
        #expect(query["code_challenge_method"] == "S256")
        #expect(query["code_challenge"]?.count == 43)
        #expect((query["state"]?.count ?? 0) >= 32)
        #expect(try oauthBadge(world, ref) == "OAuth Complete")
        #expect(world.workspace.read("status/acme/\(ref.split(separator: "/")[1]).yaml")?.contains("oauth: OAuth Complete") == true)

        for file in [".calsync/state.db", ".calsync/state.db-wal"] {
            guard let bytes = FileManager.default.contents(atPath: world.workspace.path + "/" + file) else { continue }
            for prefix in Self.tokenPrefixes {
                #expect(bytes.range(of: Data(prefix.utf8)) == nil, "\(file) holds a token in plain bytes")
            }
        }
        let store = try SQLiteStateStore(path: world.workspace.path + "/.calsync/state.db", mode: .readOnly)
        #expect(try store.credential(try #require(ProviderRef(ref))) != nil)
    }

    @Test func codeFromURLCompletesAPendingAuthorizationOnce() async throws {
        let world = try await VendorWorld.start()
        defer { Task { await world.stop() } }
        _ = try world.workspace.calsync(["reconcile"])
        // Start the flow, take the URL, and let the listener time out: a headless host.
        let started = try BackgroundCommand.calsync(
            ["authorize", "acme/google-main", "--no-browser", "--timeout", "1s"], in: world.workspace.path,
            environment: world.workspace.environment)
        let url = try #require(await started.line(where: { $0.hasPrefix("http") }))
        let timedOut = await started.wait()
        #expect(timedOut?.exitCode == 1)
        #expect(timedOut?.stderr.contains("--code-from-url") == true)
        let consent = try await world.emulator.send("GET", url)
        let redirect = try #require(consent.header("location"))

        let pasted = try world.workspace.calsync(["authorize", "acme/google-main", "--code-from-url", redirect])
        #expect(pasted.exitCode == 0, "\(pasted.stderr)")
        #expect(try oauthBadge(world, "acme/google-main") == "OAuth Complete")
        #expect(!pasted.stderr.contains("code="), "the code is never echoed")

        let again = try world.workspace.calsync(["authorize", "acme/google-main", "--code-from-url", redirect])
        #expect(again.exitCode == 1)
        #expect(again.stderr.contains("matches no pending authorization"))
    }

    @Test func aRedirectForAnotherProviderIsForbidden() async throws {
        let world = try await VendorWorld.start(google: ["google-main": "primary", "google-team": "team-calendar"], microsoft: [:])
        defer { Task { await world.stop() } }
        _ = try world.workspace.calsync(["reconcile"])
        let started = try BackgroundCommand.calsync(
            ["authorize", "acme/google-main", "--no-browser", "--timeout", "1s"], in: world.workspace.path,
            environment: world.workspace.environment)
        let url = try #require(await started.line(where: { $0.hasPrefix("http") }))
        _ = await started.wait()
        let redirect = try #require(try await world.emulator.send("GET", url).header("location"))
        let wrong = try world.workspace.calsync(["authorize", "acme/google-team", "--code-from-url", redirect])
        #expect(wrong.exitCode == 1)
        #expect(wrong.stderr.contains("Forbidden"))
        #expect(try oauthBadge(world, "acme/google-team") == "Authorization Required")
    }

    @Test func refusedConsentStoresNothing() async throws {
        let world = try await VendorWorld.start(microsoft: [:])
        defer { Task { await world.stop() } }
        _ = try world.workspace.calsync(["reconcile"])
        try await world.emulator.setConsent(vendor: .google, email: VendorWorld.googleAccount, decision: .deny)
        let result = try await world.authorize("acme/google-main")
        #expect(result.exitCode == 1)
        #expect(result.stderr.contains("access_denied"))
        #expect(try oauthBadge(world, "acme/google-main") == "Authorization Required")
    }

    @Test func missingKeyAndUnknownProviderAreClearErrors() async throws {
        let world = try await VendorWorld.start(microsoft: [:])
        defer { Task { await world.stop() } }
        _ = try world.workspace.calsync(["reconcile"])
        let noKey = try world.workspace.calsync(
            ["authorize", "acme/google-main", "--no-browser"], environment: ["CALENDAR_OAUTH_ENCRYPTION_KEY": ""])
        #expect(noKey.exitCode == 1)
        #expect(noKey.stderr.contains("CALENDAR_OAUTH_ENCRYPTION_KEY"))
        let unknown = try world.workspace.calsync(["authorize", "acme/nope", "--no-browser"])
        #expect(unknown.exitCode == 1)
        #expect(unknown.stderr.contains("records no provider acme/nope"))
        let bad = try world.workspace.calsync(["authorize", "not-a-ref"])
        #expect(bad.exitCode == 64)
        let noSecret = try world.workspace.calsync(
            ["authorize", "acme/google-main", "--no-browser"], environment: ["ACME_GOOGLE_SECRET": ""])
        #expect(noSecret.exitCode == 1)
        #expect(noSecret.stderr.contains("ACME_GOOGLE_SECRET"))
    }
}
