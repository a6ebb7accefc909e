import CalsyncModel
import CalsyncProviders
import CalsyncState
import CalsyncSync
import CalsyncSyncEngine
import Foundation
import Testing

/// Creates, edits and deletions flowing both ways over real HTTP to the emulator, for both vendors.
@Suite(.serialized) struct SyncRoundTripTests {
    static let refs = [SyncRig.google, SyncRig.graph]
    let day: TimeInterval = 86_400

    @Test(arguments: refs) func pushesNewEntriesWithTheirStampAndReadsItsOwnWritesBackAsNothing(_ ref: ProviderRef) async throws {
        let rig = try await SyncRig.start()
        // Given three entries: timed in UTC, timed in a zone, all day
        try rig.addEntry("Board", start: SyncRig.start.addingTimeInterval(day), description: "Agenda", location: "Room 1")
        try rig.addEntry("Standup", start: SyncRig.start.addingTimeInterval(2 * day), hours: 0.5, timeZone: "Europe/Berlin")
        try rig.addAllDay("Offsite", day: "2026-01-20", days: 2)
        // When the provider syncs
        let report = try await rig.sync(ref)
        // Then each is created once at the vendor, stamped with its mapping
        #expect(report.outcome == .completed)
        #expect((report.pushed, report.pulled, report.deleted, report.errors) == (3, 0, 0, 0))
        let events = try await rig.vendorEvents(ref)
        #expect(Set(events.map(\.title)) == ["Board", "Standup", "Offsite"])
        let mappings = try rig.mappings(ref)
        #expect(mappings.count == 3)
        #expect(mappings.allSatisfy { $0.status == .synced && $0.vendorEventID != nil })
        for event in events {
            let mapping = mappings.first { $0.vendorEventID == event.id }
            #expect(event.stamp == mapping?.stamp, "\(event.title) carries the stamp of its mapping")
        }
        let offsite = try #require(events.first { $0.title == "Offsite" })
        #expect(offsite.start == .date(DayDate(iso: "2026-01-20")!))
        #expect(offsite.end == .date(DayDate(iso: "2026-01-22")!))
        let board = try #require(events.first { $0.title == "Board" })
        #expect(board.description == "Agenda")
        #expect(board.location == "Room 1")
        // And the next sync reads its own writes back as nothing and writes nothing
        try await rig.harness.resetRequests()
        let again = try await rig.sync(ref)
        #expect((again.pushed, again.pulled, again.deleted, again.conflicts, again.errors) == (0, 0, 0, 0, 0))
        let writes = try await rig.vendorRequests().filter { !$0.hasPrefix("GET") }
        #expect(writes.isEmpty, "\(writes)")
        #expect(try rig.entries().count == 3, "nothing was copied back")
        await rig.stop()
    }

    @Test(arguments: refs) func pullsNewVendorEventsAndNeverPushesThemBack(_ ref: ProviderRef) async throws {
        let rig = try await SyncRig.start()
        // Given an event created at the vendor
        let id = try await rig.ownerCreate(ref, "Dentist", start: SyncRig.start.addingTimeInterval(3 * day))
        // When the provider syncs
        let report = try await rig.sync(ref)
        // Then it becomes an entry whose origin names the provider, mapped to the event
        #expect((report.pulled, report.pushed) == (1, 0))
        let entry = try #require(try rig.entry(titled: "Dentist"))
        #expect(entry.origin == ref.description)
        #expect(entry.start == .instant(SyncRig.start.addingTimeInterval(3 * day)))
        #expect(try rig.mappings(ref).map(\.vendorEventID) == [id])
        // And nothing goes back, however often it syncs
        for _ in 0..<2 {
            let again = try await rig.sync(ref)
            #expect((again.pulled, again.pushed) == (0, 0))
        }
        #expect(try await rig.vendorEvents(ref).count == 1)
        await rig.stop()
    }

    @Test(arguments: refs) func editsFlowBothWays(_ ref: ProviderRef) async throws {
        let rig = try await SyncRig.start()
        let entry = try rig.addEntry("Board", start: SyncRig.start.addingTimeInterval(day))
        try await rig.sync(ref)
        let eventID = try #require(try rig.mappings(ref).first?.vendorEventID)
        // When the entry is edited, Then the next sync PATCHes the vendor event with If-Match
        _ = try rig.store.updateEntry(entry.id, tenant: SyncRig.tenant, changes: EntryChanges(title: "Board (moved)", start: .instant(SyncRig.start.addingTimeInterval(day + 3600)), end: .instant(SyncRig.start.addingTimeInterval(day + 7200))), now: rig.now)
        try await rig.harness.resetRequests()
        let pushed = try await rig.sync(ref)
        #expect(pushed.pushed == 1)
        #expect(try await rig.vendorRequests().contains { $0.hasPrefix("PATCH") })
        let event = try #require(try await rig.vendorEvents(ref).first)
        #expect(event.title == "Board (moved)")
        #expect(event.start == .instant(SyncRig.start.addingTimeInterval(day + 3600)))
        // When the event is edited at the vendor, Then the next sync pulls it into the entry
        try await rig.ownerRename(ref, eventID, to: "Board (vendor)")
        let pulled = try await rig.sync(ref)
        #expect((pulled.pulled, pulled.pushed) == (1, 0))
        #expect(try rig.entries().map(\.title) == ["Board (vendor)"])
        #expect(try rig.entries().first?.version == 3)
        // And both are quiet afterwards
        let quiet = try await rig.sync(ref)
        #expect((quiet.pulled, quiet.pushed, quiet.deleted) == (0, 0, 0))
        await rig.stop()
    }

    @Test(arguments: refs) func deletionsFlowBothWaysForMappedPairsOnly(_ ref: ProviderRef) async throws {
        let rig = try await SyncRig.start()
        let local = try rig.addEntry("Local", start: SyncRig.start.addingTimeInterval(day))
        let remoteID = try await rig.ownerCreate(ref, "Remote", start: SyncRig.start.addingTimeInterval(2 * day))
        try await rig.sync(ref)
        #expect(try rig.entries().count == 2)
        let localEventID = try #require(try rig.mappings(ref).first { $0.entryID == local.id }?.vendorEventID)
        // When the local entry is deleted and the vendor event is deleted at the vendor
        try rig.store.deleteEntry(local.id, tenant: SyncRig.tenant)
        try await rig.ownerDelete(ref, remoteID)
        let report = try await rig.sync(ref)
        // Then each deletion reaches the other side, and both mappings are kept as deleted
        #expect(report.deleted == 2)
        #expect(try rig.entries().isEmpty)
        #expect(!(try await rig.liveIDs(ref)).contains(localEventID))
        #expect(try rig.mappings(ref).allSatisfy { $0.status == .deleted })
        #expect(try rig.store.snapshot().providers.first { $0.ref == ref }?.mappingCount == 0)
        await rig.stop()
    }

    @Test(arguments: refs) func batchCreatesManyEntries(_ ref: ProviderRef) async throws {
        let rig = try await SyncRig.start()
        for index in 0..<45 {
            try rig.addEntry("Entry \(index)", start: SyncRig.start.addingTimeInterval(Double(index) * 3600 + day))
        }
        try await rig.harness.resetRequests()
        let report = try await rig.sync(ref)
        #expect(report.pushed == 45)
        #expect(try await rig.vendorEvents(ref).count == 45)
        let requests = try await rig.vendorRequests()
        if ref == SyncRig.graph {
            #expect(requests.filter { $0.hasSuffix("/$batch") }.count == 3, "20 creates a batch")
        }
        #expect(try rig.mappings(ref).allSatisfy { $0.status == .synced })
        await rig.stop()
    }

    @Test func aPullOfMoreThanOneBatchCommitsEveryEventOnce() async throws {
        let rig = try await SyncRig.start()
        // Given more vendor events than one transaction of an engine committing 500 steps at a time holds
        // (two batches and a part)
        let count = 1_100
        for index in 0..<count {
            try await rig.ownerCreate(SyncRig.google, "Event \(index)", start: SyncRig.start.addingTimeInterval(Double(index) * 1800 + day), hours: 0.5)
        }
        // When the provider syncs
        let report = try await rig.sync(SyncRig.google, batchSize: 500)
        // Then every event is an entry with a synced mapping, once, and the counts say so
        #expect(report.outcome == .completed)
        #expect((report.pulled, report.pushed, report.errors) == (count, 0, 0))
        let entries = try rig.entries()
        #expect(entries.count == count)
        #expect(Set(entries.map(\.title)).count == count)
        let mappings = try rig.mappings(SyncRig.google)
        #expect(mappings.count == count)
        #expect(mappings.allSatisfy { $0.status == .synced && $0.version == 1 })
        #expect(Set(mappings.compactMap(\.vendorEventID)) == (try await rig.liveIDs(SyncRig.google)))
        // And the next sync has nothing to do
        try await rig.harness.resetRequests()
        let again = try await rig.sync(SyncRig.google)
        #expect((again.pulled, again.pushed) == (0, 0))
        #expect(try await rig.vendorRequests().count == 1)
        await rig.stop()
    }
}
