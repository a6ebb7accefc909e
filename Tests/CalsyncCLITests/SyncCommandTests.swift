import CalsyncEmulator
import CalsyncModel
import CalsyncState
import CalsyncTesting
import Foundation
import Testing

/// `calsync sync` and the due syncs of `reconcile` through the real binary, against the emulator.
@Suite(.serialized) struct SyncCommandTests {
    /// Both providers authorized, the emulator's clock and calsync's together.
    func authorizedWorld() async throws -> VendorWorld {
        let world = try await VendorWorld.start(start: EmulatorHarness.defaultStart)
        #expect(try await world.workspace.calsync(["reconcile"]).exitCode == 3)
        for ref in ["acme/google-main", "acme/outlook-main"] {
            let result = try await world.authorize(ref)
            #expect(result.exitCode == 0, "\(result.stderr)")
        }
        return world
    }

    func card(_ world: VendorWorld, _ ref: String) async throws -> [String: Any] {
        let status = try await world.workspace.calsync(["status", ref, "-o", "json"])
        let json = try JSONSerialization.jsonObject(with: Data(status.stdout.utf8)) as? [String: Any]
        return (json?["providers"] as? [[String: Any]])?.first ?? [:]
    }

    @Test func syncNowPushesPullsAndRecordsTheCard() async throws {
        let world = try await authorizedWorld()
        defer { Task { await world.stop() } }
        let ws = world.workspace
        // Given an entry and a vendor event
        let add = try await ws.calsync([
            "entries", "add", "--tenant", "acme", "--title", "Board", "--start", "2026-01-07T10:00:00Z", "--end", "2026-01-07T11:00:00Z",
        ])
        #expect(add.exitCode == 0, "\(add.stderr)")
        try await world.emulator.createEvent(
            vendor: .google, calendarID: VendorWorld.googleAccount,
            [
                "summary": "Dentist", "start": ["dateTime": "2026-01-08T10:00:00Z"], "end": ["dateTime": "2026-01-08T11:00:00Z"],
            ])
        // When the operator syncs the Google provider
        let sync = try await ws.calsync(["sync", "acme/google-main"])
        // Then it ends with the counts, and the card records the sync
        #expect(sync.exitCode == 0, "\(sync.stderr)")
        #expect(sync.stdout == "Synced acme/google-main: pulled 1, pushed 1, deleted 0, conflicts 0, errors 0.\n")
        let google = try await card(world, "acme/google-main")
        let lastSync = google["lastSync"] as? [String: Any]
        #expect(lastSync?["result"] as? String == "Succeeded")
        #expect(lastSync?["pulled"] as? Int == 1)
        #expect(lastSync?["pushed"] as? Int == 1)
        #expect((lastSync?["at"] as? String)?.hasPrefix("2026-01-05T09:") == true, "calsync's clock follows the emulator's")
        #expect(ws.read("status/acme/google-main.yaml")?.contains("lastSync: { at: ") == true)
        #expect(ws.read("status/acme/google-main.yaml")?.contains("Dentist") == false, "titles never reach a status file")
        let entries = try await ws.calsync(["entries", "list", "--tenant", "acme", "-o", "json"])
        #expect(entries.stdout.contains("\"origin\": \"acme/google-main\""))
        // And a second sync has nothing to do
        let again = try await ws.calsync(["sync", "acme/google-main"])
        #expect(again.stdout == "Synced acme/google-main: pulled 0, pushed 0, deleted 0, conflicts 0, errors 0.\n")
        // And --full reads everything again without duplicating anything
        let full = try await ws.calsync(["sync", "acme/google-main", "--full"])
        #expect(full.stdout == "Synced acme/google-main: pulled 0, pushed 0, deleted 0, conflicts 0, errors 0.\n")
        #expect(try await world.emulator.events(vendor: .google, calendarID: VendorWorld.googleAccount).count == 2)
    }

    @Test func conflictsBlockTheSyncUntilResolved() async throws {
        let world = try await authorizedWorld()
        defer { Task { await world.stop() } }
        let ws = world.workspace
        let id = try await ws.calsync([
            "entries", "add", "--tenant", "acme", "--title", "Board", "--start", "2026-01-07T10:00:00Z", "--end", "2026-01-07T11:00:00Z",
        ]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(try await ws.calsync(["sync", "acme/outlook-main"]).exitCode == 0)
        // Given both sides changed
        let event = try #require(
            try await world.emulator.events(vendor: .microsoft, calendarID: "bob-calendar").first { $0["deleted"] != .bool(true) })
        let eventID = try #require(event["id"]?.stringValue)
        try await world.emulator.updateEvent(vendor: .microsoft, calendarID: "bob-calendar", eventID: eventID, ["subject": "Board (vendor)"])
        #expect(try await ws.calsync(["entries", "update", id, "--tenant", "acme", "--title", "Board (local)"]).exitCode == 0)
        // When the operator syncs, Then it exits 3 naming what to run, and the card says why
        let sync = try await ws.calsync(["sync", "acme/outlook-main"])
        #expect(sync.exitCode == 3)
        #expect(sync.stdout == "Synced acme/outlook-main: pulled 0, pushed 0, deleted 0, conflicts 1, errors 0.\n")
        #expect(sync.stderr.contains("blocked: acme/outlook-main: 1 mapping in conflict: run `calsync conflicts list --tenant acme`"))
        let outlook = try await card(world, "acme/outlook-main")
        let ready = (outlook["conditions"] as? [[String: Any]])?.first
        #expect(ready?["reason"] as? String == "ConflictsPending")
        let conflicts = outlook["conflicts"] as? [[String: Any]]
        #expect(conflicts?.count == 1)
        // And a reconcile is blocked on it too
        let reconcile = try await ws.calsync(["reconcile"])
        #expect(reconcile.exitCode == 3, "\(reconcile.stderr)")
        #expect(reconcile.stderr.contains("conflicts pending"))
        // When it is resolved, Then the next sync writes the winner and all is quiet
        let mapping = try #require(conflicts?.first?["mapping"] as? String)
        #expect(try await ws.calsync(["conflicts", "resolve", mapping, "--keep", "local", "--tenant", "acme"]).exitCode == 0)
        let resolved = try await ws.calsync(["sync", "acme/outlook-main"])
        #expect(resolved.exitCode == 0, "\(resolved.stderr)")
        #expect(resolved.stdout == "Synced acme/outlook-main: pulled 0, pushed 1, deleted 0, conflicts 0, errors 0.\n")
        let after = try await card(world, "acme/outlook-main")
        #expect(((after["conditions"] as? [[String: Any]])?.first?["reason"]) as? String == "Converged")
    }

    @Test func reconcileRunsDueSyncs() async throws {
        let world = try await authorizedWorld()
        defer { Task { await world.stop() } }
        let ws = world.workspace
        #expect(
            try await ws.calsync([
                "entries", "add", "--tenant", "acme", "--title", "Board", "--start", "2026-01-07T10:00:00Z", "--end", "2026-01-07T11:00:00Z",
            ]).exitCode == 0)
        // When a reconcile finds both providers due (never synced)
        let run = try await ws.calsync(["reconcile"])
        #expect(run.exitCode == 0, "\(run.stderr)")
        // Then both synced: the entry is at both vendors, and both cards record it
        for (vendor, calendar) in [(CalsyncEmulator.Vendor.google, VendorWorld.googleAccount), (.microsoft, "bob-calendar")] {
            let live = try await world.emulator.events(vendor: vendor, calendarID: calendar).filter { $0["deleted"] != .bool(true) }
            #expect(live.count == 1, "\(vendor)")
        }
        for ref in ["acme/google-main", "acme/outlook-main"] {
            let lastSync = try await card(world, ref)["lastSync"] as? [String: Any]
            #expect(lastSync?["pushed"] as? Int == 1, "\(ref)")
        }
        // And the entry was not copied back from either vendor into the shared schedule
        let entries = try await ws.calsync(["entries", "list", "--tenant", "acme", "-o", "json"])
        #expect(entries.stdout.components(separatedBy: "\"title\": \"Board\"").count == 2)
    }
}
