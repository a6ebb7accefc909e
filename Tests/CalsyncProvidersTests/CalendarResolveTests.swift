import CalsyncEmulator
import CalsyncModel
import CalsyncProviders
import CalsyncTesting
import Foundation
import Testing

@Suite struct CalendarResolveTests {
    @Test func googlePrimaryAndAnIdResolveAndAnUnknownCalendarIs404() async throws {
        let rig = try await CalendarRig.start(.google)
        defer { Task { await rig.harness.stop() } }
        try await rig.harness.addCalendar(
            vendor: .google, email: World.googleEmail,
            CalendarFixture(id: "team@group.calendar.google.com", name: "Team", timeZone: "Europe/Berlin"))
        let client = try rig.google()
        // When
        let primary = try await client.calendar("primary")
        let team = try await client.calendar("team@group.calendar.google.com")
        // Then `primary` resolves to the account's address
        #expect(primary.id == World.googleEmail)
        #expect(primary.name == "Alice")
        #expect(team == VendorCalendar(id: "team@group.calendar.google.com", name: "Team", timeZone: "Europe/Berlin"))
        do {
            _ = try await client.calendar("nobody@example.com")
            Issue.record("an unknown calendar resolved")
        } catch let error as VendorError {
            #expect(error.status == 404)
            #expect(error.code == "notFound")
        }
    }

    @Test func graphDefaultCalendarAndAnIdResolveAndAnUnknownCalendarIs404() async throws {
        let rig = try await CalendarRig.start(.microsoft)
        defer { Task { await rig.harness.stop() } }
        try await rig.harness.addCalendar(
            vendor: .microsoft, email: World.microsoftEmail, CalendarFixture(id: "bob-work", name: "Work"))
        let client = try rig.graph()
        // When
        let main = try await client.calendar("calendar")
        let work = try await client.calendar("bob-work")
        // Then
        #expect(main.name == "Calendar")
        #expect(!main.id.isEmpty && main.id != "calendar")
        #expect(work == VendorCalendar(id: "bob-work", name: "Work"))
        #expect(try await client.calendar(main.id).id == main.id)
        do {
            _ = try await client.calendar("nope")
            Issue.record("an unknown calendar resolved")
        } catch let error as VendorError {
            #expect(error.status == 404)
            #expect(error.format == .graph)
        }
    }

    @Test(arguments: [CalsyncModel.Vendor.google, .microsoft])
    func anAccessTokenTheVendorNoLongerTakesIsRefreshedOnceAndTheCallSucceeds(vendor: CalsyncModel.Vendor) async throws {
        let rig = try await CalendarRig.start(vendor)
        defer { Task { await rig.harness.stop() } }
        let client: any CalendarClient = vendor == .google ? try rig.google() : try rig.graph()
        let calendarId = vendor == .google ? "primary" : "calendar"
        _ = try await client.calendar(calendarId)
        // Given the vendor's clock passed the token's expiry while ours did not
        try await rig.harness.advanceClock(by: 3600)
        try await rig.harness.resetRequests()
        // When
        let calendar = try await client.calendar(calendarId)
        // Then a 401, one refresh, and the call sent again
        #expect(!calendar.id.isEmpty)
        let log = try await rig.vendorRequests()
        #expect(log.map(\.status) == [401, 200, 200])
        #expect(log[1].path.hasSuffix("/token"))
        #expect(await rig.refreshes.tokenSets.count == 2)
    }

    @Test(arguments: [CalsyncModel.Vendor.google, .microsoft])
    func aRevokedGrantSurfacesAsInvalidGrant(vendor: CalsyncModel.Vendor) async throws {
        let rig = try await CalendarRig.start(vendor)
        defer { Task { await rig.harness.stop() } }
        let client: any CalendarClient = vendor == .google ? try rig.google() : try rig.graph()
        let calendarId = vendor == .google ? "primary" : "calendar"
        _ = try await client.calendar(calendarId)
        // Given the grant is revoked (Microsoft access tokens live on until they expire)
        try await rig.harness.revokeGrants(
            vendor: vendor == .google ? .google : .microsoft,
            email: vendor == .google ? World.googleEmail : World.microsoftEmail)
        if vendor == .microsoft { try await rig.harness.advanceClock(by: 3600) }
        // When, then
        do {
            _ = try await client.calendar(calendarId)
            Issue.record("a revoked grant still reached the calendar")
        } catch AuthorizationError.invalidGrant(let message) {
            #expect(!message.isEmpty)
            #expect(!message.contains(rig.refreshToken.exposedValue))
        }
    }
}
