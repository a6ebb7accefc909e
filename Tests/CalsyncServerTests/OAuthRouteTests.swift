import CalsyncModel
import CalsyncProviders
import CalsyncServer
import CalsyncTesting
import Foundation
import Testing

/// `GET /oauth/start/{tenant}/{provider}` and `GET /oauth/callback`: who may start, and signed `state`.
@Suite struct OAuthRouteTests {
    static let key = Secret(ServerFixture.stateSecret)

    @Test func routesAreOffWithoutAStateSecret() async throws {
        let fixture = try await ServerFixture(stateSecret: nil)
        for path in ["/oauth/start/acme/google-main", "/oauth/callback?state=x&code=y"] {
            let response = try await fixture.send("GET", path, headers: ["Authorization": "Bearer \(ServerFixture.acmeToken)"])
            #expect(response.status == 503)
            #expect(response.json?["error"]?.stringValue == "OAuthDisabled")
            #expect(response.json?["message"]?.stringValue?.contains("CALSYNC_STATE_SECRET") == true)
        }
        try await fixture.stop()
    }

    @Test func startNeedsTheTenantsTokenOrASignedLink() async throws {
        let fixture = try await ServerFixture()
        let path = "/oauth/start/acme/google-main"
        #expect(try await fixture.send("GET", path).status == 401)
        #expect(try await fixture.send("GET", path, headers: ["Authorization": "Bearer \(ServerFixture.globexToken)"]).status == 403)
        let link = SignedStartLink.url(baseURL: fixture.baseURL, ref: ServerFixture.google, expiresAt: fixture.now.addingTimeInterval(600), key: Self.key)
        let expired = SignedStartLink.url(baseURL: fixture.baseURL, ref: ServerFixture.google, expiresAt: fixture.now.addingTimeInterval(-1), key: Self.key)
        let otherKey = SignedStartLink.url(baseURL: fixture.baseURL, ref: ServerFixture.google, expiresAt: fixture.now.addingTimeInterval(600), key: Secret("another"))
        let otherProvider = SignedStartLink.url(baseURL: fixture.baseURL, ref: ServerFixture.outlook, expiresAt: fixture.now.addingTimeInterval(600), key: Self.key)
            .replacingOccurrences(of: "/acme/outlook?", with: "/acme/google-main?")
        for forged in [expired, otherKey, otherProvider] {
            #expect(try await fixture.client.send("GET", forged).status == 403, "\(forged)")
        }
        #expect(await fixture.recorder.started.isEmpty)
        // With a valid link: 302 to the vendor with a state this server signed for the provider
        let viaLink = try await fixture.client.send("GET", link)
        #expect(viaLink.status == 302)
        let location = try #require(viaLink.header("location").flatMap(URLComponents.init(string:)))
        let state = try #require(location.queryItems?.first { $0.name == "state" }?.value)
        let verified = try OAuthState.verify(state, key: Self.key, now: fixture.now)
        #expect(verified.ref == ServerFixture.google)
        // And with the tenant's token
        let viaToken = try await fixture.send("GET", path, headers: ["Authorization": "Bearer \(ServerFixture.acmeToken)"])
        #expect(viaToken.status == 302)
        #expect(await fixture.recorder.started.map(\.0) == [ServerFixture.google, ServerFixture.google])
        // An unknown provider is 404
        #expect(try await fixture.send("GET", "/oauth/start/acme/nope", headers: ["Authorization": "Bearer \(ServerFixture.acmeToken)"]).status == 404)
        try await fixture.stop()
    }

    @Test func callbackCompletesOnlyWithAStateThisServerSigned() async throws {
        let fixture = try await ServerFixture()
        let random = GeneratorRandomSource(SystemRandomNumberGenerator())
        let good = OAuthState.issue(for: ServerFixture.google, now: fixture.now, lifetime: .seconds(600), random: random).signed(with: Self.key)
        let forged = OAuthState.issue(for: ServerFixture.google, now: fixture.now, lifetime: .seconds(600), random: random).signed(with: Secret("guess"))
        let expired = OAuthState(ref: ServerFixture.google, expiresAt: fixture.now.addingTimeInterval(-5), nonce: "n").signed(with: Self.key)
        var tampered = Array(good)
        tampered[5] = tampered[5] == "A" ? "B" : "A"
        let cases: [(String, Int)] = [
            (forged, 403), (String(tampered), 403), (expired, 400), ("v1.garbage", 400), ("", 400),
        ]
        for (state, status) in cases {
            let response = try await fixture.send("GET", "/oauth/callback?code=4%2Fcode&state=\(state)")
            #expect(response.status == status, "\(state)")
            #expect(!response.text.contains(ServerFixture.stateSecret))
        }
        #expect(await fixture.recorder.completed.isEmpty)
        let denied = try await fixture.send("GET", "/oauth/callback?error=access_denied&state=\(good)")
        #expect(denied.status == 400)
        #expect(await fixture.recorder.completed.isEmpty)
        let done = try await fixture.send("GET", "/oauth/callback?code=4%2Fcode&state=\(good)")
        #expect(done.status == 200)
        #expect(done.text.contains("Authorized acme/google-main"))
        let completed = await fixture.recorder.completed
        #expect(completed.count == 1)
        #expect(completed.first?.0 == ServerFixture.google && completed.first?.1 == "4/code" && completed.first?.2 == good)
        try await fixture.stop()
    }

    @Test func withoutTheAuthorizationSeamTheRoutesSayWhatToUse() async throws {
        let fixture = try await ServerFixture(authorization: false)
        let start = try await fixture.send("GET", "/oauth/start/acme/google-main", headers: ["Authorization": "Bearer \(ServerFixture.acmeToken)"])
        #expect(start.status == 503)
        #expect(start.json?["message"]?.stringValue?.contains("calsync authorize") == true)
        try await fixture.stop()
    }
}

/// `OAuthState` and `SignedStartLink` on their own.
@Suite struct OAuthStateTests {
    static let key = Secret("k3y-for-tests")
    static let ref = ProviderRef("acme/google-main")!
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test func signedStateRoundTrips() throws {
        let random = GeneratorRandomSource(SystemRandomNumberGenerator())
        let state = OAuthState.issue(for: Self.ref, now: Self.now, lifetime: .seconds(600), random: random)
        let text = state.signed(with: Self.key)
        #expect(text.hasPrefix("v1."))
        #expect(!text.contains(Self.key.exposedValue))
        let verified = try OAuthState.verify(text, key: Self.key, now: Self.now.addingTimeInterval(599))
        #expect(verified == state)
        #expect(throws: OAuthState.Refusal.expired) { try OAuthState.verify(text, key: Self.key, now: Self.now.addingTimeInterval(600)) }
        #expect(throws: OAuthState.Refusal.forged) { try OAuthState.verify(text, key: Secret("other"), now: Self.now) }
        #expect(throws: OAuthState.Refusal.malformed) { try OAuthState.verify("v2.a.b", key: Self.key, now: Self.now) }
        // A payload naming another provider under the old MAC is forged
        let parts = text.split(separator: ".")
        let other = OAuthState(ref: ProviderRef("globex/cal")!, expiresAt: state.expiresAt, nonce: state.nonce).signed(with: Self.key)
        let spliced = "v1.\(other.split(separator: ".")[1]).\(parts[2])"
        #expect(throws: OAuthState.Refusal.forged) { try OAuthState.verify(spliced, key: Self.key, now: Self.now) }
    }

    @Test func startLinksExpireAndNameOneProvider() throws {
        let url = SignedStartLink.url(baseURL: "https://calsync.example/", ref: Self.ref, expiresAt: Self.now.addingTimeInterval(60), key: Self.key)
        #expect(url.hasPrefix("https://calsync.example/oauth/start/acme/google-main?expires=1790000060&signature="))
        let signature = String(url.split(separator: "=").last!)
        try SignedStartLink.verify(ref: Self.ref, expires: "1790000060", signature: signature, key: Self.key, now: Self.now)
        #expect(throws: OAuthState.Refusal.expired) {
            try SignedStartLink.verify(ref: Self.ref, expires: "1790000060", signature: signature, key: Self.key, now: Self.now.addingTimeInterval(61))
        }
        #expect(throws: OAuthState.Refusal.forged) {
            try SignedStartLink.verify(ref: Self.ref, expires: "1790000061", signature: signature, key: Self.key, now: Self.now)
        }
        #expect(throws: OAuthState.Refusal.forged) {
            try SignedStartLink.verify(ref: ProviderRef("acme/outlook")!, expires: "1790000060", signature: signature, key: Self.key, now: Self.now)
        }
        #expect(throws: OAuthState.Refusal.malformed) {
            try SignedStartLink.verify(ref: Self.ref, expires: "soon", signature: signature, key: Self.key, now: Self.now)
        }
    }

    @Test(arguments: [
        ("127.0.0.1:8080", "127.0.0.1", 8080), (":9000", "0.0.0.0", 9000), ("[::1]:0", "::1", 0), ("localhost:1", "localhost", 1),
    ])
    func listenAddresses(text: String, host: String, port: Int) {
        #expect(ListenAddress(parsing: text) == ListenAddress(host: host, port: port))
    }

    @Test(arguments: ["8080", "host:", "host:65536", "host:-1", "a b:80"])
    func badListenAddresses(text: String) {
        #expect(ListenAddress(parsing: text) == nil)
    }
}
