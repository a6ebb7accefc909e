import CalsyncModel
import CalsyncProviders
import CalsyncTesting
import Foundation
import Testing

extension World {
    /// A Google OAuth client against the emulator.
    static func googleClient(_ harness: EmulatorHarness, transport: any HTTPTransport = transport()) throws
        -> OAuthClient
    {
        let base = try #require(URL(string: harness.googleBaseURL))
        return OAuthClient.google(
            app: googleApp, clientSecret: googleSecret, authorizationBaseURL: base, tokenBaseURL: base,
            transport: transport, timeSource: FixedTimeSource(now: start))
    }

    /// A Microsoft OAuth client against the emulator.
    static func microsoftClient(_ harness: EmulatorHarness, transport: any HTTPTransport = transport()) throws
        -> OAuthClient
    {
        let base = try #require(URL(string: harness.microsoftLoginBaseURL))
        return OAuthClient.microsoft(
            app: microsoftApp, clientSecret: microsoftSecret, loginBaseURL: base, transport: transport,
            timeSource: FixedTimeSource(now: start))
    }

    /// Opens the authorization URL the way a browser would, without following the redirect, and
    /// returns the redirect's query (the emulator consents at once).
    static func authorize(_ client: OAuthClient, _ harness: EmulatorHarness, pkce: PKCE, state: String = "s-1")
        async throws -> [String: String]
    {
        let url = client.authorizationURL(state: state, codeChallenge: pkce.challenge)
        let answer = try await harness.send("GET", url.absoluteString)
        #expect(answer.status == 302)
        let location = try #require(answer.header("location"))
        let items = URLComponents(string: location)?.queryItems ?? []
        return Dictionary(items.map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { first, _ in first })
    }
}
