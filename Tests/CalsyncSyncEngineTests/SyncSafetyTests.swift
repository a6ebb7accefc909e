import CalsyncEmulator
import CalsyncModel
import CalsyncState
import CalsyncSync
import CalsyncSyncEngine
import Foundation
import Testing

/// Directions, ownership and the delete budget: calsync writes only the sides it may, deletes only what
/// it owns or mapped, and never more than `maxDeletesPerSync` at once.
@Suite(.serialized) struct SyncSafetyTests {
    static let refs = [SyncRig.google, SyncRig.graph]
    let day: TimeInterval = 86_400

    @Test(arguments: refs) func fromExternalNeverWritesTheVendor(_ ref: ProviderRef) async throws {
        let rig = try await SyncRig.start { $0.syncDirection = .fromExternal }
        // Given a local entry and a vendor event
        try rig.addEntry("Local only", start: SyncRig.start.addingTimeInterval(day))
        let eventID = try await rig.ownerCreate(ref, "Vendor", start: SyncRig.start.addingTimeInterval(2 * day))
        try await rig.harness.resetRequests()
        let first = try await rig.sync(ref)
        // Then the event is pulled and the entry is not pushed
        #expect((first.pulled, first.pushed) == (1, 0))
        #expect(try await rig.vendorEvents(ref).map(\.title) == ["Vendor"])
        // When the pulled entry is edited and the never-synced one deleted locally
        let pulled = try #require(try rig.entry(titled: "Vendor"))
        _ = try rig.store.updateEntry(pulled.id, tenant: SyncRig.tenant, changes: EntryChanges(title: "Edited"), now: rig.now)
        try rig.store.deleteEntry(try #require(try rig.entry(titled: "Local only")).id, tenant: SyncRig.tenant)
        let second = try await rig.sync(ref)
        // Then the vendor's version comes back and nothing at the vendor changed
        #expect(second.pushed == 0)
        #expect(try rig.entries().map(\.title) == ["Vendor"])
        let writes = try await rig.vendorRequests().filter { !$0.hasPrefix("GET") && !$0.contains("/token") }
        #expect(writes.isEmpty, "\(writes)")
        // And a local deletion of the pulled entry is undone, never pushed
        try rig.store.deleteEntry(try #require(try rig.entry(titled: "Vendor")).id, tenant: SyncRig.tenant)
        let third = try await rig.sync(ref)
        #expect(third.deleted == 0)
        #expect(try rig.entries().map(\.title) == ["Vendor"])
        #expect(try await rig.liveIDs(ref).contains(eventID))
        await rig.stop()
    }

    @Test(arguments: refs) func toExternalNeverWritesTheSchedule(_ ref: ProviderRef) async throws {
        let rig = try await SyncRig.start { $0.syncDirection = .toExternal }
        let entry = try rig.addEntry("Local", start: SyncRig.start.addingTimeInterval(day))
        let foreign = try await rig.ownerCreate(ref, "Foreign", start: SyncRig.start.addingTimeInterval(2 * day))
        let first = try await rig.sync(ref)
        #expect((first.pushed, first.pulled) == (1, 0))
        #expect(try rig.entries().map(\.title) == ["Local"])
        // When the vendor copy is edited, Then it is overwritten from the entry
        let eventID = try #require(try rig.mappings(ref).first?.vendorEventID)
        try await rig.ownerRename(ref, eventID, to: "Vendor edit")
        let second = try await rig.sync(ref)
        #expect((second.pushed, second.pulled) == (1, 0))
        #expect(try await rig.vendorEvents(ref).map(\.title).sorted() == ["Foreign", "Local"])
        // When the vendor copy is deleted, Then it is created again (a new id), and the entry stays
        try await rig.ownerDelete(ref, eventID)
        let third = try await rig.sync(ref)
        #expect(third.pushed == 1)
        #expect(third.deleted == 0)
        #expect(try rig.store.entry(entry.id, tenant: SyncRig.tenant).title == "Local")
        let mapping = try #require(try rig.mappings(ref).first)
        #expect(mapping.vendorEventID != eventID)
        #expect(mapping.generation == 1, "the next generation's id")
        // When the entry is deleted, Then its event goes, and the foreign event is never touched
        try rig.store.deleteEntry(entry.id, tenant: SyncRig.tenant)
        let fourth = try await rig.sync(ref)
        #expect(fourth.deleted == 1)
        #expect(try await rig.liveIDs(ref) == [foreign])
        await rig.stop()
    }

    @Test(arguments: refs) func eventsStampedForAnotherProviderAreNeverCopied(_ ref: ProviderRef) async throws {
        let rig = try await SyncRig.start()
        // Given an event carrying calsync's stamp for another provider (another tenant's copy on a shared calendar)
        let stamp = OwnershipStamp(tenant: TenantName(rawValue: "globex")!, provider: ProviderName(rawValue: "shared")!, mapping: "m9")
        let extra: [String: CalsyncEmulator.JSONValue] =
            ref == SyncRig.google
            ? ["extendedProperties": ["private": ["calsync": .string(stamp.description)]]]
            : ["transactionId": .string("\(stamp)#0")]
        let id = try await rig.ownerCreate(ref, "Other tenant's", start: SyncRig.start.addingTimeInterval(day), extra: extra)
        // When the provider syncs, Then it is neither copied nor touched
        let report = try await rig.sync(ref)
        #expect((report.pulled, report.deleted) == (0, 0))
        #expect(try rig.entries().isEmpty)
        #expect(try await rig.liveIDs(ref) == [id])
        await rig.stop()
    }

    @Test(arguments: refs) func overTheDeleteBudgetNothingIsDeleted(_ ref: ProviderRef) async throws {
        let rig = try await SyncRig.start { $0.maxDeletesPerSync = 2 }
        var entries: [Entry] = []
        for index in 0..<3 { entries.append(try rig.addEntry("E\(index)", start: SyncRig.start.addingTimeInterval(Double(index + 1) * day))) }
        try await rig.sync(ref)
        let before = try await rig.liveIDs(ref)
        #expect(before.count == 3)
        // When three entries are deleted and one added, with a budget of two
        for entry in entries { try rig.store.deleteEntry(entry.id, tenant: SyncRig.tenant) }
        try rig.addEntry("New", start: SyncRig.start.addingTimeInterval(5 * day))
        let report = try await rig.sync(ref)
        // Then the sync writes nothing at all, says why, and needs a person
        #expect(report.outcome == .deleteBudgetExceeded(deletions: 3, budget: 2))
        #expect(report.exitCode == 3)
        #expect(report.lastSync.result == .deleteBudgetExceeded)
        #expect(try await rig.liveIDs(ref) == before)
        #expect(try rig.mappings(ref).allSatisfy { $0.status == .synced })
        #expect(report.errorText?.contains("more than maxDeletesPerSync (2)") == true)
        // When the budget is raised, Then the deletions go through
        try rig.configure(ref) { $0.maxDeletesPerSync = 3 }
        let raised = try await rig.sync(ref)
        #expect((raised.deleted, raised.pushed) == (3, 1))
        #expect(try await rig.vendorEvents(ref).map(\.title) == ["New"])
        #expect(try rig.outbox(.syncRecovered).count == 1, "the provider recovered")
        await rig.stop()
    }

    @Test(arguments: refs) func aProviderDeclaredAgainReadoptsItsEvents(_ ref: ProviderRef) async throws {
        let rig = try await SyncRig.start()
        try rig.addEntry("Pushed", start: SyncRig.start.addingTimeInterval(day))
        try await rig.ownerCreate(ref, "Pulled", start: SyncRig.start.addingTimeInterval(2 * day))
        try await rig.sync(ref)
        let events = try await rig.liveIDs(ref)
        #expect(events.count == 2)
        // Given the provider was deleted (its mappings dropped) and declared again
        let state = try rig.provider(ref)
        try rig.store.apply(.deleteProvider(ref, at: Date(timeIntervalSince1970: 1_790_000_000)))
        var fresh = state
        fresh.lastSync = nil
        try rig.store.apply(.recordProvider(fresh, card: SyncRig.card))
        #expect(try rig.mappings(ref).isEmpty)
        // When it syncs, Then both pairs are found again: nothing copied, nothing created
        let report = try await rig.sync(ref)
        #expect((report.pulled, report.pushed, report.deleted) == (0, 0, 0))
        #expect(try rig.entries().map(\.title).sorted() == ["Pulled", "Pushed"])
        #expect(try await rig.liveIDs(ref) == events)
        #expect(try rig.mappings(ref).filter { $0.status == .synced }.count == 2)
        await rig.stop()
    }
}
