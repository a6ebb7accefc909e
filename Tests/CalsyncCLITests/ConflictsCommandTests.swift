import CalsyncModel
import CalsyncState
import CalsyncTesting
import Foundation
import Testing

/// `calsync conflicts list|resolve` and `calsync mappings reset` as an operator runs them, against a state
/// holding one mapping in conflict.
@Suite struct ConflictsCommandTests {
    static let acme = TenantName(rawValue: "acme")!
    static let ref = ProviderRef("acme/google-main")!
    static let now = Date(timeIntervalSince1970: 1_767_603_600)

    /// A workspace whose state knows acme (one provider) and globex, with mapping `m1` in conflict.
    func conflicted() throws -> Workspace {
        let ws = try Workspace()
        let store = try SQLiteStateStore(path: ws.path + "/.calsync/state.db", mode: .readWrite)
        try store.apply(.recordTenant(TenantSpec(name: Self.acme)))
        try store.apply(.recordTenant(TenantSpec(name: TenantName(rawValue: "globex")!)))
        let card = ProviderCardState(
            ready: Condition(status: .true, reason: .converged, message: "up to date", lastTransitionTime: Self.now), pendingActions: [])
        try store.apply(
            .recordProvider(
                ProviderState(ref: Self.ref, applied: ProviderSpec(ref: Self.ref, vendor: .google, calendarId: "primary"), credential: .valid),
                card: card))
        let entry = Entry(
            id: EntryID(rawValue: "e1"), tenant: Self.acme, title: "Board (local)", description: "Agenda A",
            start: .instant(Self.now), end: .instant(Self.now.addingTimeInterval(3600)), timeZone: "Europe/Berlin",
            updatedAt: Self.now, origin: "local")
        let mapping = Mapping(
            id: MappingID(rawValue: "m1"), ref: Self.ref, entryID: entry.id, vendorEventID: "v1", etag: "\"1\"", localHash: "l",
            remoteHash: "r", status: .conflict, lastSyncedAt: Self.now)
        let external = EventVersion(
            title: "Board (vendor)", description: "Agenda B", location: "Room 2", start: "2026-01-05T09:00:00Z",
            end: "2026-01-05T10:00:00Z", allDay: false, timeZone: nil, updatedAt: Self.now)
        try store.record(
            SyncStep(
                entry: .insert(entry, sourceKey: nil), mapping: mapping, expectedVersion: nil,
                conflict: .record(
                    ConflictRecord(
                        mapping: mapping.id, ref: Self.ref, entryID: entry.id, externalID: "v1", detectedAt: Self.now,
                        local: EventVersion(entry), external: external))))
        return ws
    }

    @Test func listShowsBothVersions() async throws {
        let ws = try conflicted()
        // When the operator lists the conflicts as JSON
        let json = try await ws.calsyncDetached(["conflicts", "list", "--tenant", "acme", "-o", "json"])
        #expect(json.exitCode == 0, "\(json.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let conflict = (object?["conflicts"] as? [[String: Any]])?.first
        // Then each has the SPEC's keys, with both versions in full
        #expect(conflict?["mapping"] as? String == "m1")
        #expect(conflict?["tenant"] as? String == "acme")
        #expect(conflict?["provider"] as? String == "google-main")
        #expect(conflict?["entry"] as? String == "e1")
        #expect(conflict?["externalId"] as? String == "v1")
        #expect(conflict?["detectedAt"] as? String == "2026-01-05T09:00:00Z")
        #expect((conflict?["local"] as? [String: Any])?["title"] as? String == "Board (local)")
        #expect((conflict?["local"] as? [String: Any])?["timeZone"] as? String == "Europe/Berlin")
        #expect((conflict?["external"] as? [String: Any])?["location"] as? String == "Room 2")
        #expect(json.stdout.hasPrefix("{\n  \"conflicts\": [\n    {\n      \"mapping\": \"m1\","), "stable key order")
        // And the table shows them side by side, the fields that differ marked
        let table = try await ws.calsyncDetached(["conflicts", "list", "--tenant", "acme"])
        #expect(table.exitCode == 0)
        #expect(table.stdout.contains("mapping m1  acme/google-main  entry e1  event v1  detected 2026-01-05T09:00:00Z"))
        #expect(table.stdout.contains("* title"))
        #expect(table.stdout.contains("Board (local)"))
        #expect(table.stdout.contains("Board (vendor)"))
        #expect(table.stdout.contains("  start "), "equal fields are not marked")
        // And another tenant has none; an unknown tenant is an error
        let other = try await ws.calsyncDetached(["conflicts", "list", "--tenant", "globex"])
        #expect(other.exitCode == 0)
        #expect(other.stdout == "No conflicts.\n")
        let unknown = try await ws.calsyncDetached(["conflicts", "list", "--tenant", "initech"])
        #expect(unknown.exitCode == 1)
        #expect(unknown.stderr.contains("tenant \"initech\" is not in the state"))
    }

    @Test func theCardNamesConflictsByIdOnly() async throws {
        let ws = try conflicted()
        let status = try await ws.calsyncDetached(["status", "acme/google-main", "-o", "yaml"])
        #expect(status.exitCode == 0, "\(status.stderr)")
        #expect(status.stdout.contains("conflicts:\n  - { mapping: \"m1\", entry: \"e1\", externalId: \"v1\", detectedAt: 2026-01-05T09:00:00Z }"))
        #expect(!status.stdout.contains("Board"), "titles never appear on a card")
        #expect(!status.stdout.contains("Agenda"))
    }

    @Test func resolveKeepsOneSideForTheNextSync() async throws {
        let ws = try conflicted()
        // Another tenant's operator is refused and nothing changes
        let forbidden = try await ws.calsyncDetached(["conflicts", "resolve", "m1", "--keep", "local", "--tenant", "globex"])
        #expect(forbidden.exitCode == 1)
        #expect(forbidden.stderr == "error: Forbidden: mapping m1 does not belong to tenant \"globex\".\n")
        // A side that is not local or external is a usage error
        #expect(try await ws.calsyncDetached(["conflicts", "resolve", "m1", "--keep", "both", "--tenant", "acme"]).exitCode == 64)
        // An unknown mapping is named
        let unknown = try await ws.calsyncDetached(["conflicts", "resolve", "m9", "--keep", "local", "--tenant", "acme"])
        #expect(unknown.exitCode == 1)
        #expect(unknown.stderr.contains("no mapping m9 in tenant \"acme\""))
        // When the tenant's operator keeps the external version
        let resolve = try await ws.calsyncDetached(["conflicts", "resolve", "m1", "--keep", "external", "--tenant", "acme"])
        #expect(resolve.exitCode == 0, "\(resolve.stderr)")
        #expect(resolve.stdout == "Resolved m1: keeping the external version; the next sync of acme/google-main writes it to the entry.\n")
        // Then the conflict is gone, the mapping waits for the sync with the choice
        #expect(try await ws.calsyncDetached(["conflicts", "list", "--tenant", "acme"]).stdout == "No conflicts.\n")
        let store = try SQLiteStateStore(path: ws.path + "/.calsync/state.db", mode: .readOnly)
        let mapping = try store.mappings(of: Self.ref).first
        #expect(mapping?.status == .pending)
        #expect(mapping?.resolution == .keepExternal)
        // And resolving it again says it is not in conflict
        let again = try await ws.calsyncDetached(["conflicts", "resolve", "m1", "--keep", "local", "--tenant", "acme"])
        #expect(again.exitCode == 1)
        #expect(again.stderr.contains("mapping m1 is not in conflict (its status is pending)"))
    }

    @Test func operatorCommandsWorkWhileARunHoldsTheLock() async throws {
        let ws = try conflicted()
        // Given a run holds the state lock
        let lock = try await StateLock.acquire(
            databasePath: ws.path + "/.calsync/state.db",
            holder: LockHolder(id: "feedbeef", command: "calsync sync", pid: 1, host: "h", since: Self.now), timeout: nil)
        defer { lock.release() }
        // When the operator resets the mapping, Then it is written without waiting
        let reset = try await ws.calsyncDetached(["mappings", "reset", "m1", "--tenant", "acme"])
        #expect(reset.exitCode == 0, "\(reset.stderr)")
        #expect(reset.stdout == "Reset m1 (acme/google-main): status pending; the next sync decides it again.\n")
        #expect(try await ws.calsyncDetached(["conflicts", "list", "--tenant", "acme"]).stdout == "No conflicts.\n")
        let missing = try await ws.calsyncDetached(["mappings", "reset", "nope", "--tenant", "acme"])
        #expect(missing.exitCode == 1)
        #expect(missing.stderr.contains("no mapping nope"))
        #expect(try await ws.calsyncDetached(["mappings", "reset", "m1", "--tenant", "globex"]).stderr.contains("Forbidden"))
        // And a sync, which takes the lock, is refused with exit 4
        let sync = try await ws.calsyncDetached(["sync", "acme/google-main"])
        #expect(sync.exitCode == 4)
        #expect(sync.stderr.contains("lock id feedbeef"))
    }

    @Test func syncRefusesWhatItCannotSync() async throws {
        let ws = try conflicted()
        let badRef = try await ws.calsyncDetached(["sync", "acme"])
        #expect(badRef.exitCode == 64)
        #expect(badRef.stderr.contains("is not TENANT/PROVIDER"))
        let unknown = try await ws.calsyncDetached(["sync", "acme/nope"])
        #expect(unknown.exitCode == 1)
        #expect(unknown.stderr.contains("provider acme/nope is not in the state"))
        let forbidden = try await ws.calsyncDetached(["sync", "acme/google-main", "--tenant", "globex"])
        #expect(forbidden.exitCode == 1)
        #expect(forbidden.stderr.contains("Forbidden"))
        // A provider never authorized needs a person
        let store = try SQLiteStateStore(path: ws.path + "/.calsync/state.db", mode: .readWrite)
        let other = ProviderRef("acme/outlook")!
        try store.apply(
            .recordProvider(
                ProviderState(ref: other, applied: ProviderSpec(ref: other, vendor: .microsoft, calendarId: "calendar")),
                card: ProviderCardState(
                    ready: Condition(status: .false, reason: .authorizationRequired, message: "m", lastTransitionTime: Self.now),
                    pendingActions: [.authorize])))
        let unauthorized = try await ws.calsyncDetached(["sync", "acme/outlook"])
        #expect(unauthorized.exitCode == 3)
        #expect(unauthorized.stderr.contains("run `calsync authorize acme/outlook`"))
        let none = try await ws.calsyncDetached(["sync", "acme/google-main", "--state", "elsewhere.db"])
        #expect(none.exitCode == 1)
        #expect(!ws.exists("elsewhere.db"), "a sync never creates a state")
    }
}
