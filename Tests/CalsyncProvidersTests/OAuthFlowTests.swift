import CalsyncEmulator
import CalsyncModel
import CalsyncProviders
import CalsyncTesting
import Foundation
import Testing

@Suite struct OAuthFlowTests {
    @Test func googleAuthorizationURLCarriesSpecScopesOfflineConsentAndS256() async throws {
        let harness = try await World.emulator()
        defer { Task { await harness.stop() } }
        let client = try World.googleClient(harness)
        // When
        let url = client.authorizationURL(state: "st", codeChallenge: "ch")
        // Then
        let items = Dictionary(
            (URLComponents(url: url, resolvingAgainstBaseURL: false)?.queryItems ?? []).map {
                ($0.name, $0.value ?? "")
            },
            uniquingKeysWith: { first, _ in first })
        #expect(url.path == "/google/o/oauth2/v2/auth")
        #expect(
            items["scope"]
                == "https://www.googleapis.com/auth/calendar.events https://www.googleapis.com/auth/calendar.readonly")
        #expect(items["access_type"] == "offline")
        #expect(items["prompt"] == "consent")
        #expect(items["code_challenge_method"] == "S256")
        #expect(items["client_id"] == "g-client")
        #expect(items["redirect_uri"] == "http://127.0.0.1:8400/callback")
    }

    @Test func microsoftAuthorizationURLNamesTheDirectoryTenantAndScopes() async throws {
        let harness = try await World.emulator()
        defer { Task { await harness.stop() } }
        let client = try World.microsoftClient(harness)
        let url = client.authorizationURL(state: "st", codeChallenge: "ch")
        #expect(url.path == "/microsoft-login/organizations/oauth2/v2.0/authorize")
        #expect(url.query?.contains("scope=offline_access%20Calendars.ReadWrite%20User.Read") == true)
    }

    @Test func pkceChallengeIsRFC7636S256() {
        // RFC 7636 appendix B.
        let verifier = Secret("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
        #expect(PKCE.challenge(for: verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")
        let generated = PKCE.generate(using: World.random())
        #expect(generated.verifier.exposedValue.count == 43)
        #expect(generated.verifier.exposedValue.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
        #expect("\(generated.verifier)" == "<redacted>")
    }

    @Test(arguments: [CalsyncModel.Vendor.google, .microsoft])
    func codeFlowWithPKCEIssuesTokens(vendor: CalsyncModel.Vendor) async throws {
        let harness = try await World.emulator()
        defer { Task { await harness.stop() } }
        let client = try vendor == .google ? World.googleClient(harness) : World.microsoftClient(harness)
        let pkce = PKCE.generate(using: World.random())
        // Given a code from the redirect
        let redirect = try await World.authorize(client, harness, pkce: pkce, state: "state-42")
        #expect(redirect["state"] == "state-42")
        let code = try #require(redirect["code"])
        // When it is exchanged with the verifier
        let tokens = try await client.exchange(code: code, verifier: pkce.verifier)
        // Then an access token, an expiry from the injected now and a refresh token come back
        #expect(!tokens.accessToken.exposedValue.isEmpty)
        #expect(tokens.expiresAt == World.start.addingTimeInterval(3599))
        #expect(tokens.refreshToken != nil)
        #expect(!tokens.isRefreshTokenRotated)
        #expect(!"\(tokens)".contains(tokens.accessToken.exposedValue))
    }

    @Test(arguments: [CalsyncModel.Vendor.google, .microsoft])
    func wrongVerifierIsRefusedAsInvalidGrant(vendor: CalsyncModel.Vendor) async throws {
        let harness = try await World.emulator()
        defer { Task { await harness.stop() } }
        let client = try vendor == .google ? World.googleClient(harness) : World.microsoftClient(harness)
        let pkce = PKCE.generate(using: World.random(seed: 1))
        let code = try #require(try await World.authorize(client, harness, pkce: pkce)["code"])
        // When another verifier is sent
        let other = PKCE.generate(using: World.random(seed: 2))
        // Then the grant is refused
        await #expect(throws: AuthorizationError.self) {
            try await client.exchange(code: code, verifier: other.verifier)
        }
        do {
            _ = try await client.exchange(code: code, verifier: other.verifier)
        } catch let error as AuthorizationError {
            #expect(error.requiresAuthorization)
            #expect(!"\(error)".contains(other.verifier.exposedValue))
        }
    }

    @Test func googleRefreshKeepsTheOldRefreshToken() async throws {
        let harness = try await World.emulator()
        defer { Task { await harness.stop() } }
        let client = try World.googleClient(harness)
        let pkce = PKCE.generate(using: World.random())
        let code = try #require(try await World.authorize(client, harness, pkce: pkce)["code"])
        let first = try await client.exchange(code: code, verifier: pkce.verifier)
        let refreshToken = try #require(first.refreshToken)
        // When
        let refreshed = try await client.refresh(refreshToken)
        // Then a new access token, the same refresh token
        #expect(refreshed.accessToken != first.accessToken)
        #expect(refreshed.refreshToken == refreshToken)
        #expect(!refreshed.isRefreshTokenRotated)
    }

    @Test func microsoftRefreshRotatesTheRefreshTokenAndTheNewOneWorks() async throws {
        let harness = try await World.emulator()
        defer { Task { await harness.stop() } }
        let client = try World.microsoftClient(harness)
        let pkce = PKCE.generate(using: World.random())
        let code = try #require(try await World.authorize(client, harness, pkce: pkce)["code"])
        let first = try await client.exchange(code: code, verifier: pkce.verifier)
        let original = try #require(first.refreshToken)
        // When
        let second = try await client.refresh(original)
        // Then a new refresh token replaces the old one, and it refreshes in turn
        let rotated = try #require(second.refreshToken)
        #expect(rotated != original)
        #expect(second.isRefreshTokenRotated)
        let third = try await client.refresh(rotated)
        #expect(third.refreshToken != rotated)
    }

    @Test(arguments: [CalsyncModel.Vendor.google, .microsoft])
    func revokedGrantRefreshesToInvalidGrant(vendor: CalsyncModel.Vendor) async throws {
        let harness = try await World.emulator()
        defer { Task { await harness.stop() } }
        let client = try vendor == .google ? World.googleClient(harness) : World.microsoftClient(harness)
        let pkce = PKCE.generate(using: World.random())
        let code = try #require(try await World.authorize(client, harness, pkce: pkce)["code"])
        let refreshToken = try #require(try await client.exchange(code: code, verifier: pkce.verifier).refreshToken)
        // Given the user revoked the grant
        let email = vendor == .google ? World.googleEmail : World.microsoftEmail
        let revoked = try await harness.revokeGrants(vendor: vendor == .google ? .google : .microsoft, email: email)
        #expect(revoked >= 1)
        // When refreshing, then invalid_grant with the vendor's text
        do {
            _ = try await client.refresh(refreshToken)
            Issue.record("refresh after revocation succeeded")
        } catch AuthorizationError.invalidGrant(let message) {
            #expect(!message.isEmpty)
            #expect(!message.contains(refreshToken.exposedValue))
            if vendor == .microsoft { #expect(message.hasPrefix("AADSTS50173")) }
        }
    }

    @Test func googleRevokeEndsTheGrant() async throws {
        let harness = try await World.emulator()
        defer { Task { await harness.stop() } }
        let client = try World.googleClient(harness)
        let pkce = PKCE.generate(using: World.random())
        let code = try #require(try await World.authorize(client, harness, pkce: pkce)["code"])
        let refreshToken = try #require(try await client.exchange(code: code, verifier: pkce.verifier).refreshToken)
        // When
        try await client.revoke(refreshToken)
        // Then
        await #expect(throws: AuthorizationError.invalidGrant(vendorMessage: "Token has been expired or revoked.")) {
            try await client.refresh(refreshToken)
        }
    }

    @Test func microsoftHasNoPerTokenRevocation() async throws {
        let harness = try await World.emulator()
        defer { Task { await harness.stop() } }
        let client = try World.microsoftClient(harness)
        await #expect(throws: AuthorizationError.unsupported("Microsoft has no per-token revocation")) {
            try await client.revoke(Secret("anything"))
        }
    }
}
