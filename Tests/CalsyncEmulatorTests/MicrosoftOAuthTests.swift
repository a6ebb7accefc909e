import CalsyncEmulator
import CalsyncTesting
import Foundation
import Testing

@Suite struct MicrosoftOAuthTests {
    static func authorize(_ harness: EmulatorHarness, client: String = "ms-client", redirect: String = "http://localhost:8400/callback") async throws -> (HTTPResult, [String: String]) {
        let query = [
            ("client_id", client), ("redirect_uri", redirect), ("response_type", "code"),
            ("scope", "offline_access Calendars.ReadWrite User.Read"), ("state", "ms-state"),
            ("code_challenge", GoogleOAuthTests.challenge), ("code_challenge_method", "S256"),
        ].map { "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        let result = try await harness.send("GET", "/microsoft-login/common/oauth2/v2.0/authorize?" + query)
        let items = URLComponents(string: result.header("location") ?? "")?.queryItems ?? []
        return (result, Dictionary(items.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { a, _ in a }))
    }

    static func token(_ harness: EmulatorHarness, _ form: [String: String]) async throws -> HTTPResult {
        let body = form.map { "\($0.key)=\($0.value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")" }.joined(separator: "&")
        return try await harness.send("POST", "/microsoft-login/common/oauth2/v2.0/token", headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Data(body.utf8))
    }

    static func exchange(_ harness: EmulatorHarness, code: String) async throws -> HTTPResult {
        try await token(harness, [
            "grant_type": "authorization_code", "code": code, "client_id": "ms-client", "client_secret": "ms-secret",
            "redirect_uri": "http://localhost:8400/callback", "code_verifier": GoogleOAuthTests.verifier,
        ])
    }

    @Test func codeFlowWithPKCEIssuesRotatingRefreshTokens() async throws {
        let harness = try await EmulatorHarness.start(fixture: Fixtures.world)
        let (redirect, items) = try await Self.authorize(harness)
        #expect(redirect.status == 302)
        #expect(items["state"] == "ms-state")
        let first = try #require(try await Self.exchange(harness, code: items["code"] ?? "").json)
        #expect(first["token_type"] == "Bearer")
        #expect(first["expires_in"] == 3599)
        let refresh1 = try #require(first["refresh_token"]?.stringValue)
        // When refreshing
        let form = ["grant_type": "refresh_token", "refresh_token": refresh1, "client_id": "ms-client", "client_secret": "ms-secret"]
        let second = try #require(try await Self.token(harness, form).json)
        let refresh2 = try #require(second["refresh_token"]?.stringValue)
        // Then a new refresh token comes back and the old one still works
        #expect(refresh2 != refresh1)
        let again = try await Self.token(harness, form)
        #expect(again.status == 200)
        await harness.stop()
    }

    @Test func redeemedCodeIsAADSTS54005() async throws {
        let harness = try await EmulatorHarness.start(fixture: Fixtures.world)
        let (_, items) = try await Self.authorize(harness)
        _ = try await Self.exchange(harness, code: items["code"] ?? "")
        let again = try await Self.exchange(harness, code: items["code"] ?? "")
        #expect(again.status == 400)
        #expect(again.json?["error"] == "invalid_grant")
        #expect(again.json?["error_codes"] == [54005])
        await harness.stop()
    }

    @Test func revokedGrantIsAADSTS50173AndExpiredIs70008() async throws {
        let harness = try await EmulatorHarness.start(fixture: Fixtures.world)
        let token = try await harness.issueToken(vendor: .microsoft, email: Fixtures.microsoftEmail, clientId: "ms-client")
        let form = ["grant_type": "refresh_token", "refresh_token": token.refreshToken, "client_id": "ms-client", "client_secret": "ms-secret"]
        try await harness.revokeGrants(vendor: .microsoft, email: Fixtures.microsoftEmail)
        let denied = try await Self.token(harness, form)
        #expect(denied.status == 400)
        let body = try #require(denied.json)
        #expect(body["error"] == "invalid_grant")
        #expect(body["error_codes"] == [50173])
        let description = body["error_description"]?.stringValue ?? ""
        #expect(description.hasPrefix("AADSTS50173: "))
        #expect(description.contains("\r\nTrace ID: "))
        #expect(description.contains("\r\nCorrelation ID: "))
        #expect(description.contains("\r\nTimestamp: "))
        #expect(body["trace_id"]?.stringValue != nil)
        #expect(body["correlation_id"]?.stringValue != nil)
        #expect(body["timestamp"]?.stringValue != nil)

        let other = try await harness.issueToken(vendor: .microsoft, email: Fixtures.microsoftEmail, clientId: "ms-client")
        try await harness.revokeGrants(vendor: .microsoft, email: Fixtures.microsoftEmail, reason: .expired)
        let expired = try await Self.token(harness, ["grant_type": "refresh_token", "refresh_token": other.refreshToken, "client_id": "ms-client", "client_secret": "ms-secret"])
        #expect(expired.json?["error_codes"] == [70008])
        await harness.stop()
    }

    @Test func publicClientMustNotSendASecret() async throws {
        let harness = try await EmulatorHarness.start(fixture: Fixtures.world)
        let (_, items) = try await Self.authorize(harness, client: "ms-public", redirect: "http://127.0.0.1:9999/cb")
        let result = try await Self.token(harness, [
            "grant_type": "authorization_code", "code": items["code"] ?? "", "client_id": "ms-public", "client_secret": "x",
            "redirect_uri": "http://127.0.0.1:9999/cb", "code_verifier": GoogleOAuthTests.verifier,
        ])
        #expect(result.status == 400)
        #expect(result.json?["error_codes"] == [700025])
        let ok = try await Self.token(harness, [
            "grant_type": "authorization_code", "code": items["code"] ?? "", "client_id": "ms-public",
            "redirect_uri": "http://127.0.0.1:9999/cb", "code_verifier": GoogleOAuthTests.verifier,
        ])
        #expect(ok.status == 200)
        await harness.stop()
    }

    @Test func graphAnswers401InItsShape() async throws {
        let session = try await Session.start()
        let missing = try await session.harness.send("GET", "/graph/v1.0/me/events")
        #expect(missing.status == 401)
        #expect(missing.json?["error"]?["code"] == "InvalidAuthenticationToken")
        #expect(missing.json?["error"]?["message"] == "Access token is empty.")
        try await session.harness.advanceClock(by: 3600)
        let expired = try await session.graph("GET", "/me/events")
        #expect(expired.status == 401)
        #expect(expired.json?["error"]?["message"] == "Access token has expired or is not yet valid.")
        #expect(expired.json?["error"]?["innerError"]?["date"]?.stringValue != nil)
        await session.stop()
    }

    @Test func deniedConsentRedirectsWithAccessDenied() async throws {
        let harness = try await EmulatorHarness.start(fixture: Fixtures.world)
        try await harness.setConsent(vendor: .microsoft, email: Fixtures.microsoftEmail, decision: .deny)
        let (result, items) = try await Self.authorize(harness)
        #expect(result.status == 302)
        #expect(items["error"] == "access_denied")
        await harness.stop()
    }
}
