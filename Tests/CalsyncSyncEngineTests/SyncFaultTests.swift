import CalsyncEmulator
import CalsyncModel
import CalsyncProviders
import CalsyncState
import CalsyncSync
import CalsyncSyncEngine
import Foundation
import Testing

/// What the vendors do wrong: expired cursors, lost answers, used-up ids, spent quotas, moved etags,
/// refused writes, and events leaving the window.
@Suite(.serialized) struct SyncFaultTests {
    static let refs = [SyncRig.google, SyncRig.graph]
    let day: TimeInterval = 86_400

    static func eventsPath(_ ref: ProviderRef) -> String {
        ref == SyncRig.google ? "/google/calendar/v3/calendars/*/events" : "/graph/v1.0/me/calendar/events"
    }

    @Test(arguments: refs) func anExpiredCursorResyncsWithoutDuplicatesOrDeletions(_ ref: ProviderRef) async throws {
        let rig = try await SyncRig.start()
        try rig.addEntry("Local", start: SyncRig.start.addingTimeInterval(day))
        try await rig.ownerCreate(ref, "Remote", start: SyncRig.start.addingTimeInterval(2 * day))
        try await rig.sync(ref)
        let ids = try await rig.liveIDs(ref)
        let serial = try rig.store.serial()
        // Given the vendor refuses the cursor, and a change is waiting on each side
        try await rig.expireCursors(ref)
        try await rig.ownerCreate(ref, "Remote 2", start: SyncRig.start.addingTimeInterval(3 * day))
        try rig.addEntry("Local 2", start: SyncRig.start.addingTimeInterval(4 * day))
        // When it syncs
        let report = try await rig.sync(ref)
        // Then a full read reuses every mapping: the two new ones are synced, nothing is duplicated or deleted
        #expect(report.wasFullRead)
        #expect((report.pulled, report.pushed, report.deleted) == (1, 1, 0))
        #expect(try rig.entries().map(\.title).sorted() == ["Local", "Local 2", "Remote", "Remote 2"])
        #expect(try await rig.vendorEvents(ref).count == 4)
        #expect(try await rig.liveIDs(ref).isSuperset(of: ids))
        // And the cursor is valid again: expired then renewed, two serial steps, and the next sync is incremental
        #expect(try rig.provider(ref).isCursorExpired == false)
        #expect(try rig.store.serial() == serial + 2)
        let next = try await rig.sync(ref)
        #expect(!next.wasFullRead)
        await rig.stop()
    }

    @Test(arguments: refs) func aLostCreateAnswerIsAdoptedNotRepeated(_ ref: ProviderRef) async throws {
        // A short timeout: the dropped answer on a reused connection ends in a timeout.
        let rig = try await SyncRig.start(timeout: .seconds(1))
        try rig.addEntry("Warm-up", start: SyncRig.start.addingTimeInterval(day))
        try await rig.sync(ref)
        // Given the vendor creates the event but the answer never arrives, on every attempt
        let path = ref == SyncRig.google ? "/google/calendar/v3/calendars/*/events" : "/graph/v1.0/**"
        try await rig.harness.injectFault(FaultRule(method: "POST", path: path, drop: .after))
        try rig.addEntry("Lost", start: SyncRig.start.addingTimeInterval(2 * day))
        let failed = try await rig.sync(ref)
        #expect(failed.errors == 1)
        let pending = try #require(try rig.mappings(ref).first { $0.vendorEventID == nil })
        #expect(pending.status == .error)
        // When the vendor answers again and the provider syncs
        try await rig.harness.clearFaults()
        let report = try await rig.sync(ref)
        // Then the event the lost create made is found by its stamp and adopted: one event, not two
        #expect(report.errors == 0)
        let lost = try await rig.vendorEvents(ref).filter { $0.title == "Lost" }
        #expect(lost.count == 1)
        let mapping = try #require(try rig.mappings(ref).first { $0.id == pending.id })
        #expect(mapping.status == .synced)
        #expect(mapping.vendorEventID == lost.first?.id)
        await rig.stop()
    }

    @Test func aUsedUpGoogleIdMovesToTheNextGeneration() async throws {
        let rig = try await SyncRig.start { $0.syncDirection = .toExternal }
        let entry = try rig.addEntry("Board", start: SyncRig.start.addingTimeInterval(day))
        // Given the id of generation 0 is already used by a deleted event
        let mapping = SyncIdentity.mappingID(for: SyncRig.google, entry: entry.id)
        let stamp = OwnershipStamp(tenant: SyncRig.tenant, provider: SyncRig.google.provider, mapping: mapping.rawValue)
        let usedID = CalendarClients.idempotencyKey(vendor: .google, stamp: stamp, generation: 0)
        try await rig.ownerCreate(SyncRig.google, "Old", start: SyncRig.start.addingTimeInterval(day), extra: ["id": .string(usedID)])
        try await rig.ownerDelete(SyncRig.google, usedID)
        // When the entry is pushed, Then Google's 409 moves it to generation 1
        let report = try await rig.sync(SyncRig.google)
        #expect(report.pushed == 1)
        #expect(report.errors == 0)
        let stored = try #require(try rig.mappings(SyncRig.google).first)
        #expect(stored.generation == 1)
        #expect(stored.vendorEventID == CalendarClients.idempotencyKey(vendor: .google, stamp: stamp, generation: 1))
        #expect(try await rig.vendorEvents(SyncRig.google).map(\.title) == ["Board"])
        await rig.stop()
    }

    @Test func aSpentGoogleQuotaStopsTheSyncUntilLater() async throws {
        let rig = try await SyncRig.start()
        try rig.addEntry("Board", start: SyncRig.start.addingTimeInterval(day))
        try await rig.sync(SyncRig.google)
        let cursor = try rig.store.cursor(of: SyncRig.google)
        try rig.addEntry("Later", start: SyncRig.start.addingTimeInterval(2 * day))
        // Given the daily quota is spent
        try await rig.harness.injectFault(
            FaultRule(
                method: "GET", path: "/google/calendar/v3/calendars/*/events", status: 403,
                body: [
                    "error": [
                        "code": 403, "message": "Calendar usage limits exceeded.",
                        "errors": [["domain": "usageLimits", "reason": "quotaExceeded", "message": "Calendar usage limits exceeded."]],
                    ]
                ]))
        try await rig.harness.resetRequests()
        let report = try await rig.sync(SyncRig.google)
        // Then the sync stops at once with the vendor's text, tries nothing twice, and keeps its cursor
        #expect(report.outcome == .failed("Calendar usage limits exceeded."))
        #expect(report.exitCode == 1)
        #expect(report.pushed == 0)
        #expect(try await rig.vendorRequests().count == 1, "quotaExceeded is not retried")
        #expect(try rig.store.cursor(of: SyncRig.google) == cursor)
        #expect(try rig.outbox(.error).count == 1)
        // And it resumes on a later run
        try await rig.harness.clearFaults()
        let later = try await rig.sync(SyncRig.google)
        #expect(later.pushed == 1)
        #expect(try rig.outbox(.syncRecovered).count == 1)
        await rig.stop()
    }

    @Test(arguments: refs) func aMovedEtagIsReadAgainAndDecidedAgain(_ ref: ProviderRef) async throws {
        let rig = try await SyncRig.start()
        let entry = try rig.addEntry("Board", start: SyncRig.start.addingTimeInterval(day))
        try await rig.sync(ref)
        _ = try rig.store.updateEntry(entry.id, tenant: SyncRig.tenant, changes: EntryChanges(title: "Board (local)"), now: rig.now)
        // Given the vendor answers the first PATCH with 412
        let path = ref == SyncRig.google ? "/google/calendar/v3/calendars/*/events/*" : "/graph/v1.0/me/events/*"
        try await rig.harness.injectFault(FaultRule(method: "PATCH", path: path, status: 412, count: 1))
        try await rig.harness.resetRequests()
        let report = try await rig.sync(ref)
        // Then the event is read again, the pair decided again, and the write goes through
        #expect((report.pushed, report.errors) == (1, 0))
        let requests = try await rig.vendorRequests()
        #expect(requests.filter { $0.hasPrefix("PATCH") }.count == 2)
        #expect(try await rig.vendorEvents(ref).map(\.title) == ["Board (local)"])
        await rig.stop()
    }

    @Test(arguments: refs) func aRefusedEventFailsAloneAndWaitsForAChange(_ ref: ProviderRef) async throws {
        let rig = try await SyncRig.start()
        let first = try rig.addEntry("First", start: SyncRig.start.addingTimeInterval(day))
        let second = try rig.addEntry("Second", start: SyncRig.start.addingTimeInterval(2 * day))
        try await rig.sync(ref)
        // Given the vendor refuses the next write, and both entries were edited
        let path = ref == SyncRig.google ? "/google/calendar/v3/calendars/*/events/*" : "/graph/v1.0/me/events/*"
        try await rig.harness.injectFault(FaultRule(method: "PATCH", path: path, status: 400, count: 1))
        _ = try rig.store.updateEntry(first.id, tenant: SyncRig.tenant, changes: EntryChanges(title: "First (edited)"), now: rig.now)
        _ = try rig.store.updateEntry(second.id, tenant: SyncRig.tenant, changes: EntryChanges(title: "Second (edited)"), now: rig.now)
        let report = try await rig.sync(ref)
        // Then that mapping is in error with the vendor's text, and the other event was written
        #expect((report.pushed, report.errors) == (1, 1))
        #expect(report.exitCode == 1)
        let failed = try #require(try rig.mappings(ref).first { $0.status == .error })
        #expect(failed.error?.isEmpty == false)
        let written = try #require(try rig.mappings(ref).first { $0.status == .synced })
        #expect(written.entryID != failed.entryID)
        #expect(try await rig.vendorEvents(ref).map(\.title).filter { $0.hasSuffix("(edited)") }.count == 1)
        // And the refused write is not repeated until a side changes again
        try await rig.harness.resetRequests()
        let again = try await rig.sync(ref)
        #expect(again.errors == 0)
        #expect(try await rig.vendorRequests().filter { $0.hasPrefix("PATCH") }.isEmpty)
        // When the operator resets it, Then it is written
        _ = try rig.store.resetMapping(failed.id, tenant: SyncRig.tenant)
        let reset = try await rig.sync(ref)
        #expect(reset.pushed == 1)
        #expect(try await rig.vendorEvents(ref).map(\.title).sorted() == ["First (edited)", "Second (edited)"])
        await rig.stop()
    }

    @Test(arguments: refs) func leavingTheWindowParksAndNeverDeletes(_ ref: ProviderRef) async throws {
        let rig = try await SyncRig.start()
        try rig.addEntry("Soon", start: SyncRig.start.addingTimeInterval(2 * day))
        let remote = try await rig.ownerCreate(ref, "Remote", start: SyncRig.start.addingTimeInterval(3 * day))
        try await rig.sync(ref)
        // When the vendor moves its event a year and a half ahead (out of the window)
        try await rig.ownerMove(ref, remote, start: SyncRig.start.addingTimeInterval(540 * day))
        let moved = try await rig.sync(ref)
        // Then the pair is parked: the entry stays
        #expect(moved.deleted == 0)
        #expect(try rig.entry(titled: "Remote") != nil)
        #expect(try rig.mappings(ref).first { $0.vendorEventID == remote }?.status == .parked)
        // When time passes the local entry by (the window moves 40 days on)
        try await rig.advance(days: 40)
        let passed = try await rig.sync(ref)
        #expect(passed.wasFullRead, "the window's dates moved: the round restarts")
        #expect(passed.deleted == 0)
        #expect(try rig.entries().count == 2, "nothing is deleted by leaving the window")
        #expect(try await rig.liveIDs(ref).count == 2)
        #expect(try rig.mappings(ref).allSatisfy { $0.status == .parked })
        await rig.stop()
    }

    @Test(arguments: refs) func singleInstancesOfASeriesSyncOnTheirOwn(_ ref: ProviderRef) async throws {
        let rig = try await SyncRig.start()
        // Given a daily series of four at the vendor, pulled as four entries
        let first = SyncRig.start.addingTimeInterval(day)
        let extra: [String: CalsyncEmulator.JSONValue] =
            ref == SyncRig.google
            ? [
                "recurrence": ["RRULE:FREQ=DAILY;COUNT=4"], "start": ["dateTime": .string(RFC3339.string(first)), "timeZone": "UTC"],
                "end": ["dateTime": .string(RFC3339.string(first.addingTimeInterval(3600))), "timeZone": "UTC"],
            ]
            : ["recurrence": ["pattern": ["type": "daily", "interval": 1], "range": ["type": "numbered", "numberOfOccurrences": 4, "startDate": .string(String(RFC3339.string(first).prefix(10)))]]]
        let series = try await rig.ownerCreate(ref, "Daily", start: first, extra: extra)
        #expect(try await rig.sync(ref).pulled == 4)
        let ids = try rig.mappings(ref).compactMap(\.vendorEventID).sorted()
        #expect(ids.count == 4 && ids.allSatisfy { $0.hasPrefix(series + "_") })
        func entry(_ index: Int) throws -> Entry? {
            let mapping = try rig.mappings(ref).first { $0.vendorEventID == ids[index] }
            return try rig.entries().first { $0.id == mapping?.entryID }
        }
        // When the owner renames the second instance alone and cancels the third
        try await rig.ownerRename(ref, ids[1], to: "Daily (moved)")
        try await rig.ownerDelete(ref, ids[2])
        let pulled = try await rig.sync(ref)
        // Then only those two entries change
        #expect((pulled.pulled, pulled.deleted, pulled.pushed) == (1, 1, 0))
        #expect(try entry(1)?.title == "Daily (moved)")
        #expect(try entry(2) == nil)
        #expect(try entry(0)?.title == "Daily" && entry(3)?.title == "Daily")
        // When the fourth instance's entry is renamed here and the first one's deleted
        _ = try rig.store.updateEntry(try #require(try entry(3)).id, tenant: SyncRig.tenant, changes: EntryChanges(title: "Daily (local)"), now: rig.now)
        try rig.store.deleteEntry(try #require(try entry(0)).id, tenant: SyncRig.tenant)
        let pushed = try await rig.sync(ref)
        // Then the vendor holds them as exceptions of the series, which itself stays
        #expect((pushed.pushed, pushed.deleted, pushed.errors) == (1, 1, 0))
        let listed = try await rig.vendorEvents(ref)
        #expect(Set(listed.map(\.id)) == [ids[1], ids[3]])
        #expect(listed.first { $0.id == ids[3] }?.title == "Daily (local)")
        #expect(listed.allSatisfy { $0.seriesID == series })
        #expect(try await rig.liveIDs(ref).contains(series))
        // And the next sync has nothing to do
        let quiet = try await rig.sync(ref)
        #expect((quiet.pulled, quiet.pushed, quiet.deleted, quiet.errors) == (0, 0, 0, 0))
        await rig.stop()
    }

    @Test(arguments: refs) func recurringEventsAreSyncedAsInstances(_ ref: ProviderRef) async throws {
        let rig = try await SyncRig.start()
        let extra: [String: CalsyncEmulator.JSONValue] =
            ref == SyncRig.google
            ? ["recurrence": ["RRULE:FREQ=DAILY;COUNT=3"], "start": ["dateTime": .string(RFC3339.string(SyncRig.start.addingTimeInterval(day))), "timeZone": "UTC"], "end": ["dateTime": .string(RFC3339.string(SyncRig.start.addingTimeInterval(day + 3600))), "timeZone": "UTC"]]
            : ["recurrence": ["pattern": ["type": "daily", "interval": 1], "range": ["type": "numbered", "numberOfOccurrences": 3, "startDate": .string(String(RFC3339.string(SyncRig.start.addingTimeInterval(day)).prefix(10)))]]]
        let series = try await rig.ownerCreate(ref, "Daily", start: SyncRig.start.addingTimeInterval(day), extra: extra)
        let report = try await rig.sync(ref)
        #expect(report.pulled == 3)
        #expect(try rig.entries().map(\.title) == ["Daily", "Daily", "Daily"])
        // When the series is renamed, Then every instance is
        try await rig.ownerRename(ref, series, to: "Daily (renamed)")
        let renamed = try await rig.sync(ref)
        #expect(renamed.pulled == 3)
        #expect(Set(try rig.entries().map(\.title)) == ["Daily (renamed)"])
        // When the series is deleted, Then every instance is
        try await rig.ownerDelete(ref, series)
        let deleted = try await rig.sync(ref)
        #expect(deleted.deleted == 3)
        #expect(try rig.entries().isEmpty)
        await rig.stop()
    }
}
