import CalsyncEmulator
import CalsyncModel
import CalsyncProviders
import CalsyncTesting
import Foundation
import Testing

@Suite struct OAuthRefusalTests {
    @Test func microsoftCodeOlderThanTenMinutesIsInvalidGrant70008() async throws {
        let harness = try await World.emulator()
        defer { Task { await harness.stop() } }
        let client = try World.microsoftClient(harness)
        let pkce = PKCE.generate(using: World.random())
        let code = try #require(try await World.authorize(client, harness, pkce: pkce)["code"])
        // Given eleven minutes pass on the emulator's clock
        try await harness.advanceClock(by: 11 * 60)
        // When, then
        do {
            _ = try await client.exchange(code: code, verifier: pkce.verifier)
            Issue.record("an expired code was redeemed")
        } catch AuthorizationError.invalidGrant(let message) {
            #expect(message.hasPrefix("AADSTS70008"))
        }
    }

    @Test func microsoftExpiredGrantIsInvalidGrant() async throws {
        let harness = try await World.emulator()
        defer { Task { await harness.stop() } }
        let client = try World.microsoftClient(harness)
        let issued = try await harness.issueToken(vendor: .microsoft, email: World.microsoftEmail, clientId: "m-client")
        try await harness.revokeGrants(vendor: .microsoft, email: World.microsoftEmail, reason: .expired)
        do {
            _ = try await client.refresh(Secret(issued.refreshToken))
            Issue.record("an expired grant refreshed")
        } catch AuthorizationError.invalidGrant(let message) {
            #expect(message.hasPrefix("AADSTS70008"))
        }
    }

    @Test(arguments: [CalsyncModel.Vendor.google, .microsoft])
    func redeemedCodeIsInvalidGrant(vendor: CalsyncModel.Vendor) async throws {
        let harness = try await World.emulator()
        defer { Task { await harness.stop() } }
        let client = try vendor == .google ? World.googleClient(harness) : World.microsoftClient(harness)
        let pkce = PKCE.generate(using: World.random())
        let code = try #require(try await World.authorize(client, harness, pkce: pkce)["code"])
        _ = try await client.exchange(code: code, verifier: pkce.verifier)
        await #expect(throws: AuthorizationError.self) {
            try await client.exchange(code: code, verifier: pkce.verifier)
        }
    }

    @Test func wrongClientSecretIsAVendorErrorWithoutTheSecret() async throws {
        let harness = try await World.emulator()
        defer { Task { await harness.stop() } }
        let base = try #require(URL(string: harness.microsoftLoginBaseURL))
        let wrong = Secret("not-the-m-secret")
        let client = OAuthClient.microsoft(
            app: World.microsoftApp, clientSecret: wrong, loginBaseURL: base, transport: World.transport(),
            timeSource: FixedTimeSource(now: World.start))
        let issued = try await harness.issueToken(vendor: .microsoft, email: World.microsoftEmail, clientId: "m-client")
        do {
            _ = try await client.refresh(Secret(issued.refreshToken))
            Issue.record("a wrong secret was accepted")
        } catch let error as VendorError {
            #expect(error.format == .oauth)
            #expect(error.code == "invalid_client")
            #expect(error.aadstsCode == 7_000_215)
            #expect(!error.isRetryable)
            #expect(!"\(error)".contains(wrong.exposedValue))
            #expect(!"\(error)".contains(issued.refreshToken))
        }
    }
}
