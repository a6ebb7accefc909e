import CalsyncEmulator
import CalsyncTesting
import Foundation
import Testing

@Suite struct GoogleOAuthTests {
    static let verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
    static let challenge = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"

    /// Runs the authorize step and returns the redirect's query items.
    static func authorize(_ harness: EmulatorHarness, redirect: String = "http://127.0.0.1:53682/callback", offline: Bool = true) async throws -> (HTTPResult, [String: String]) {
        let query = [
            ("client_id", "google-client"), ("redirect_uri", redirect), ("response_type", "code"),
            ("scope", "https://www.googleapis.com/auth/calendar.events"), ("state", "st-1"),
            ("code_challenge", challenge), ("code_challenge_method", "S256"),
            ("access_type", offline ? "offline" : "online"), ("prompt", "consent"),
        ].map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        let result = try await harness.send("GET", "/google/o/oauth2/v2/auth?" + query)
        let location = result.header("location") ?? ""
        let items = URLComponents(string: location)?.queryItems ?? []
        return (result, Dictionary(items.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a }))
    }

    static func token(_ harness: EmulatorHarness, _ form: [String: String]) async throws -> HTTPResult {
        let body = form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        return try await harness.send("POST", "/google/token", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Data(body.utf8))
    }

    static func exchange(_ harness: EmulatorHarness, code: String, verifier: String = verifier) async throws -> HTTPResult {
        try await token(harness, [
            "grant_type": "authorization_code", "code": code, "client_id": "google-client", "client_secret": "google-secret",
            "redirect_uri": "http://127.0.0.1:53682/callback", "code_verifier": verifier,
        ])
    }

    @Test func authorizeRedirectsWithCodeForAnyLoopbackPort() async throws {
        let harness = try await EmulatorHarness.start(fixture: Fixtures.world)
        let (result, items) = try await Self.authorize(harness)
        #expect(result.status == 302)
        #expect(result.header("location")?.hasPrefix("http://127.0.0.1:53682/callback?") == true)
        #expect(items["state"] == "st-1")
        #expect(items["code"]?.hasPrefix("4/") == true)
        await harness.stop()
    }

    @Test func unregisteredRedirectIsRefused() async throws {
        let harness = try await EmulatorHarness.start(fixture: Fixtures.world)
        let (result, _) = try await Self.authorize(harness, redirect: "http://127.0.0.1:53682/other")
        #expect(result.status == 400)
        #expect(result.json?["error"] == "redirect_uri_mismatch")
        await harness.stop()
    }

    @Test func deniedConsentRedirectsWithAccessDenied() async throws {
        let harness = try await EmulatorHarness.start(fixture: Fixtures.world)
        try await harness.setConsent(vendor: .google, email: Fixtures.googleEmail, decision: .deny)
        let (result, items) = try await Self.authorize(harness)
        #expect(result.status == 302)
        #expect(items["error"] == "access_denied")
        #expect(items["state"] == "st-1")
        #expect(items["code"] == nil)
        await harness.stop()
    }

    @Test func codeExchangeWithPKCEReturnsGoogleShape() async throws {
        let harness = try await EmulatorHarness.start(fixture: Fixtures.world)
        let (_, items) = try await Self.authorize(harness)
        let result = try await Self.exchange(harness, code: items["code"] ?? "")
        #expect(result.status == 200)
        let body = try #require(result.json)
        #expect(body["token_type"] == "Bearer")
        #expect(body["expires_in"] == 3599)
        #expect(body["scope"] == "https://www.googleapis.com/auth/calendar.events")
        #expect(body["refresh_token"]?.stringValue != nil)
        #expect(body["access_token"]?.stringValue != nil)
        // And the code is single use
        let again = try await Self.exchange(harness, code: items["code"] ?? "")
        #expect(again.status == 400)
        #expect(again.json?["error"] == "invalid_grant")
        await harness.stop()
    }

    @Test func wrongVerifierIsInvalidGrant() async throws {
        let harness = try await EmulatorHarness.start(fixture: Fixtures.world)
        let (_, items) = try await Self.authorize(harness)
        let result = try await Self.exchange(harness, code: items["code"] ?? "", verifier: "not-the-verifier-but-long-enough-to-look-real-123")
        #expect(result.status == 400)
        #expect(result.json?["error"] == "invalid_grant")
        await harness.stop()
    }

    @Test func codesExpireAfterTenMinutesOfVirtualTime() async throws {
        let harness = try await EmulatorHarness.start(fixture: Fixtures.world)
        let (_, items) = try await Self.authorize(harness)
        try await harness.advanceClock(by: 601)
        let result = try await Self.exchange(harness, code: items["code"] ?? "")
        #expect(result.status == 400)
        #expect(result.json?["error"] == "invalid_grant")
        await harness.stop()
    }

    @Test func refreshReturnsNoNewRefreshTokenAndRevocationIsInvalidGrant() async throws {
        let harness = try await EmulatorHarness.start(fixture: Fixtures.world)
        let (_, items) = try await Self.authorize(harness)
        let tokens = try #require(try await Self.exchange(harness, code: items["code"] ?? "").json)
        let refresh = tokens["refresh_token"]?.stringValue ?? ""
        let refreshForm = ["grant_type": "refresh_token", "refresh_token": refresh, "client_id": "google-client", "client_secret": "google-secret"]
        // When refreshing
        let refreshed = try await Self.token(harness, refreshForm)
        #expect(refreshed.status == 200)
        #expect(refreshed.json?["refresh_token"] == nil)
        #expect(refreshed.json?["access_token"]?.stringValue != nil)
        // When the user revokes through /revoke
        let revoke = try await harness.send("POST", "/google/revoke?token=\(refresh)")
        #expect(revoke.status == 200)
        // Then refresh is invalid_grant with Google's description
        let denied = try await Self.token(harness, refreshForm)
        #expect(denied.status == 400)
        #expect(denied.json == ["error": "invalid_grant", "error_description": "Token has been expired or revoked."])
        // And the access token no longer works
        let access = tokens["access_token"]?.stringValue ?? ""
        let api = try await harness.send("GET", "/google/calendar/v3/users/me/calendarList", headers: ["Authorization": "Bearer \(access)"])
        #expect(api.status == 401)
        await harness.stop()
    }

    @Test func accessTokensExpireOnTheVirtualClock() async throws {
        let harness = try await EmulatorHarness.start(fixture: Fixtures.world)
        let token = try await harness.issueToken(vendor: .google, email: Fixtures.googleEmail, clientId: "google-client")
        let headers = ["Authorization": "Bearer \(token.accessToken)"]
        #expect(try await harness.send("GET", "/google/calendar/v3/users/me/calendarList", headers: headers).status == 200)
        try await harness.advanceClock(by: 3600)
        let expired = try await harness.send("GET", "/google/calendar/v3/users/me/calendarList", headers: headers)
        #expect(expired.status == 401)
        let error = expired.json?["error"]?["errors"]?.arrayValue?.first
        #expect(error?["reason"] == "authError")
        #expect(error?["location"] == "Authorization")
        let missing = try await harness.send("GET", "/google/calendar/v3/users/me/calendarList")
        #expect(missing.status == 401)
        await harness.stop()
    }

    @Test func wrongClientSecretIsInvalidClient() async throws {
        let harness = try await EmulatorHarness.start(fixture: Fixtures.world)
        let (_, items) = try await Self.authorize(harness)
        let result = try await Self.token(harness, [
            "grant_type": "authorization_code", "code": items["code"] ?? "", "client_id": "google-client",
            "client_secret": "wrong", "redirect_uri": "http://127.0.0.1:53682/callback", "code_verifier": Self.verifier,
        ])
        #expect(result.status == 401)
        #expect(result.json?["error"] == "invalid_client")
        await harness.stop()
    }
}
