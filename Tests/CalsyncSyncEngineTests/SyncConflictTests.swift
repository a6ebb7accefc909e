import CalsyncModel
import CalsyncState
import CalsyncSync
import CalsyncSyncEngine
import Foundation
import Testing

/// Both sides changed: `manual` waits for a person (once, with one event), the other policies settle.
@Suite(.serialized) struct SyncConflictTests {
    static let refs = [SyncRig.google, SyncRig.graph]
    let day: TimeInterval = 86_400

    /// A synced pair, then edits on both sides: returns the vendor event id.
    func editedOnBothSides(_ rig: SyncRig, _ ref: ProviderRef, localUpdatedAt: Date? = nil) async throws -> (Entry, String) {
        let entry = try rig.addEntry("Board", start: SyncRig.start.addingTimeInterval(day))
        try await rig.sync(ref)
        let eventID = try #require(try rig.mappings(ref).first?.vendorEventID)
        try await rig.ownerRename(ref, eventID, to: "Board (vendor)")
        let edited = try rig.store.updateEntry(
            entry.id, tenant: SyncRig.tenant, changes: EntryChanges(title: "Board (local)"), now: localUpdatedAt ?? rig.now)
        return (edited, eventID)
    }

    @Test(arguments: refs) func manualConflictWaitsAndIsSurfacedOnce(_ ref: ProviderRef) async throws {
        let rig = try await SyncRig.start()
        let (entry, eventID) = try await editedOnBothSides(rig, ref)
        // When the provider syncs
        let report = try await rig.sync(ref)
        // Then the mapping is in conflict, neither side is written, one conflict event is queued, exit 3
        #expect((report.pulled, report.pushed, report.conflicts, report.newConflicts) == (0, 0, 1, 1))
        #expect(report.exitCode == 3)
        let mapping = try #require(try rig.mappings(ref).first)
        #expect(mapping.status == .conflict)
        #expect(try rig.outbox(.conflict).count == 1)
        let event = try #require(try rig.store.outboxEvents().first { $0.type == .conflict })
        #expect(!event.message.contains("Board"), "titles never reach an event")
        #expect(event.message.contains(mapping.id.rawValue))
        let conflict = try #require(try rig.store.conflicts(tenant: SyncRig.tenant).first)
        #expect(conflict.local?.title == "Board (local)")
        #expect(conflict.external?.title == "Board (vendor)")
        #expect(conflict.externalID == eventID)
        #expect(try rig.store.snapshot().providers.first { $0.ref == ref }?.conflictCount == 1)
        // And syncing again surfaces nothing new
        let again = try await rig.sync(ref)
        #expect((again.conflicts, again.newConflicts) == (1, 0))
        #expect(try rig.outbox(.conflict).count == 1)
        // When a person keeps the external version
        _ = try rig.store.resolveConflict(mapping.id, tenant: SyncRig.tenant, keep: .keepExternal)
        let resolved = try await rig.sync(ref)
        // Then the next sync writes it into the entry, and the pair is quiet
        #expect((resolved.pulled, resolved.pushed, resolved.conflicts) == (1, 0, 0))
        #expect(try rig.store.entry(entry.id, tenant: SyncRig.tenant).title == "Board (vendor)")
        #expect(try rig.mappings(ref).first?.status == .synced)
        #expect(try rig.store.conflicts(tenant: SyncRig.tenant).isEmpty)
        let quiet = try await rig.sync(ref)
        #expect((quiet.pulled, quiet.pushed, quiet.conflicts, quiet.exitCode) == (0, 0, 0, 0))
        await rig.stop()
    }

    @Test(arguments: refs) func keepLocalWritesTheEntryToTheVendor(_ ref: ProviderRef) async throws {
        let rig = try await SyncRig.start()
        _ = try await editedOnBothSides(rig, ref)
        try await rig.sync(ref)
        let mapping = try #require(try rig.mappings(ref).first)
        _ = try rig.store.resolveConflict(mapping.id, tenant: SyncRig.tenant, keep: .keepLocal)
        let resolved = try await rig.sync(ref)
        #expect((resolved.pushed, resolved.pulled) == (1, 0))
        #expect(try await rig.vendorEvents(ref).map(\.title) == ["Board (local)"])
        await rig.stop()
    }

    @Test(arguments: refs) func aSecondConflictOnTheSamePairIsSurfacedAgain(_ ref: ProviderRef) async throws {
        let rig = try await SyncRig.start()
        let (entry, eventID) = try await editedOnBothSides(rig, ref)
        try await rig.sync(ref)
        let mapping = try #require(try rig.mappings(ref).first)
        _ = try rig.store.resolveConflict(mapping.id, tenant: SyncRig.tenant, keep: .keepLocal)
        try await rig.sync(ref)
        // When both sides change again
        try await rig.ownerRename(ref, eventID, to: "Board (vendor 2)")
        _ = try rig.store.updateEntry(entry.id, tenant: SyncRig.tenant, changes: EntryChanges(title: "Board (local 2)"), now: rig.now)
        let report = try await rig.sync(ref)
        // Then it is a new conflict, with an event of its own
        #expect(report.newConflicts == 1)
        #expect(try rig.outbox(.conflict).count == 2)
        await rig.stop()
    }

    @Test(arguments: refs) func policiesSettleWithoutAPerson(_ ref: ProviderRef) async throws {
        for (policy, winner) in [(ConflictPolicy.preferLocal, "Board (local)"), (.preferExternal, "Board (vendor)")] {
            let rig = try await SyncRig.start { $0.conflictPolicy = policy }
            _ = try await editedOnBothSides(rig, ref)
            let report = try await rig.sync(ref)
            #expect(report.conflicts == 0)
            #expect(report.exitCode == 0)
            #expect(try rig.entries().map(\.title) == [winner], "\(policy)")
            #expect(try await rig.vendorEvents(ref).map(\.title) == [winner], "\(policy)")
            #expect(try rig.outbox(.conflict).isEmpty)
            await rig.stop()
        }
    }

    @Test(arguments: refs) func newestComparesModificationTimes(_ ref: ProviderRef) async throws {
        // The vendor's edit is stamped with the emulator's clock (its start); a local edit an hour later wins,
        // one a day earlier loses.
        for (offset, winner) in [(3600.0, "Board (local)"), (-day, "Board (vendor)")] {
            let rig = try await SyncRig.start { $0.conflictPolicy = .newest }
            _ = try await editedOnBothSides(rig, ref, localUpdatedAt: SyncRig.start.addingTimeInterval(offset))
            let report = try await rig.sync(ref)
            #expect(report.conflicts == 0)
            #expect(try rig.entries().map(\.title) == [winner], "local edit at \(offset)")
            #expect(try await rig.vendorEvents(ref).map(\.title) == [winner], "local edit at \(offset)")
            await rig.stop()
        }
    }

    @Test(arguments: refs) func aDeletionAgainstAnEditIsAConflict(_ ref: ProviderRef) async throws {
        let rig = try await SyncRig.start()
        let entry = try rig.addEntry("Board", start: SyncRig.start.addingTimeInterval(day))
        try await rig.sync(ref)
        let eventID = try #require(try rig.mappings(ref).first?.vendorEventID)
        try rig.store.deleteEntry(entry.id, tenant: SyncRig.tenant)
        try await rig.ownerRename(ref, eventID, to: "Board (vendor)")
        let report = try await rig.sync(ref)
        #expect(report.conflicts == 1)
        #expect(report.deleted == 0)
        #expect(try await rig.liveIDs(ref).contains(eventID), "a vendor edit is not deleted without a person")
        let conflict = try #require(try rig.store.conflicts(tenant: SyncRig.tenant).first)
        #expect(conflict.local == nil)
        #expect(conflict.external?.title == "Board (vendor)")
        // Keeping the external version restores the entry (under a new id), mapped to the event
        _ = try rig.store.resolveConflict(conflict.mapping, tenant: SyncRig.tenant, keep: .keepExternal)
        let resolved = try await rig.sync(ref)
        #expect(resolved.pulled == 1)
        let restored = try #require(try rig.entry(titled: "Board (vendor)"))
        #expect(restored.id != entry.id)
        #expect(try rig.mappings(ref).first?.entryID == restored.id)
        #expect(try rig.mappings(ref).first?.status == .synced)
        await rig.stop()
    }
}
