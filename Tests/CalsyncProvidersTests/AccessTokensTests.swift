import CalsyncEmulator
import CalsyncModel
import CalsyncProviders
import CalsyncTesting
import Foundation
import Testing

struct ObserverRefused: Error {}

@Suite struct AccessTokensTests {
    @Test(arguments: [CalsyncModel.Vendor.google, .microsoft])
    func cachesTheTokenUntilItExpiresWithinSixtySeconds(vendor: CalsyncModel.Vendor) async throws {
        let rig = try await CalendarRig.start(vendor)
        defer { Task { await rig.harness.stop() } }
        // Given a first token (lifetime 3599 s)
        let first = try await rig.tokens.accessToken()
        // When asked again 3538 s later (61 s left), then the same token, no refresh
        rig.time.advance(by: 3538)
        #expect(try await rig.tokens.accessToken() == first)
        #expect(try await rig.tokenRequests() == 1)
        // When 60 s or less are left, then a new token
        rig.time.advance(by: 1)
        let second = try await rig.tokens.accessToken()
        #expect(second != first)
        #expect(try await rig.tokenRequests() == 2)
        #expect(await rig.refreshes.tokenSets.count == 2)
    }

    @Test func concurrentCallersShareOneRefresh() async throws {
        let rig = try await CalendarRig.start(.google)
        defer { Task { await rig.harness.stop() } }
        // When ten callers ask at once with no token cached
        let tokens = rig.tokens
        let all = try await withThrowingTaskGroup(of: Secret.self) { group in
            for _ in 0..<10 { group.addTask { try await tokens.accessToken() } }
            return try await group.reduce(into: [Secret]()) { $0.append($1) }
        }
        // Then one refresh served them all
        #expect(Set(all.map(\.exposedValue)).count == 1)
        #expect(try await rig.tokenRequests() == 1)
        #expect(await rig.refreshes.tokenSets.count == 1)
    }

    @Test func refreshedReplacesTheRejectedTokenOnce() async throws {
        let rig = try await CalendarRig.start(.google)
        defer { Task { await rig.harness.stop() } }
        let first = try await rig.tokens.accessToken()
        // When the vendor refused the first token
        let second = try await rig.tokens.refreshed(rejecting: first)
        #expect(second != first)
        // When a slower caller reports the same refused token, then it gets the new one without a refresh
        #expect(try await rig.tokens.refreshed(rejecting: first) == second)
        #expect(try await rig.tokenRequests() == 2)
        // When forced, then a refresh happens
        #expect(try await rig.tokens.refreshed() != second)
        #expect(try await rig.tokenRequests() == 3)
    }

    @Test func microsoftRotationIsHandedToTheObserverAndTheNewTokenIsUsedNext() async throws {
        let rig = try await CalendarRig.start(.microsoft)
        defer { Task { await rig.harness.stop() } }
        // When refreshing twice
        _ = try await rig.tokens.accessToken()
        _ = try await rig.tokens.refreshed()
        // Then the observer saw two rotated refresh tokens, each new
        let sets = await rig.refreshes.tokenSets
        #expect(sets.count == 2)
        #expect(sets.allSatisfy { $0.isRefreshTokenRotated })
        let issued = sets.compactMap(\.refreshToken)
        #expect(issued.count == 2)
        #expect(Set(issued.map(\.exposedValue) + [rig.refreshToken.exposedValue]).count == 3)
        #expect(!"\(sets[0])".contains(issued[0].exposedValue))
    }

    @Test(arguments: [CalsyncModel.Vendor.google, .microsoft])
    func revokedGrantIsInvalidGrantAndTheObserverIsNotCalled(vendor: CalsyncModel.Vendor) async throws {
        let rig = try await CalendarRig.start(vendor)
        defer { Task { await rig.harness.stop() } }
        // Given the user revoked the grant
        try await rig.harness.revokeGrants(
            vendor: vendor == .google ? .google : .microsoft,
            email: vendor == .google ? World.googleEmail : World.microsoftEmail)
        // When, then
        do {
            _ = try await rig.tokens.accessToken()
            Issue.record("a revoked grant yielded a token")
        } catch let error as AuthorizationError {
            #expect(error.requiresAuthorization)
        }
        #expect(await rig.refreshes.tokenSets.isEmpty)
    }

    @Test func aFailingObserverKeepsTheOldTokensAndTheErrorReachesTheCaller() async throws {
        let harness = try await World.emulator()
        defer { Task { await harness.stop() } }
        let issued = try await harness.issueToken(vendor: .google, email: World.googleEmail, clientId: "g-client")
        let time = MovableTimeSource(World.start)
        let base = try #require(URL(string: harness.googleBaseURL))
        let oauth = OAuthClient.google(
            app: World.googleApp, clientSecret: World.googleSecret, authorizationBaseURL: base, tokenBaseURL: base,
            transport: World.transport(), timeSource: time)
        let tokens = AccessTokens(client: oauth, refreshToken: Secret(issued.refreshToken), timeSource: time) { _ in
            throw ObserverRefused()
        }
        // When the observer cannot store the tokens, then the caller sees its error
        await #expect(throws: ObserverRefused.self) { try await tokens.accessToken() }
        // And nothing was adopted: the next call refreshes again
        await #expect(throws: ObserverRefused.self) { try await tokens.accessToken() }
        let refreshes = try await harness.requests().entries.filter { $0.path.hasSuffix("/token") }.count
        #expect(refreshes == 2)
    }
}
