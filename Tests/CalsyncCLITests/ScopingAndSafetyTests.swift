import CalsyncModel
import CalsyncState
import CalsyncTesting
import Foundation
import Testing

/// Tenant scoping, saved-plan integrity and the files calsync may touch.
@Suite struct ScopingAndSafetyTests {
    @Test func statusDirectoryKeepsEverythingButCards() async throws {
        // Given manifests inside the status directory itself
        let ws = try Workspace()
        try ws.writeGeneratedManifests(tenants: 1, providersPerTenant: 2, directory: "m")
        try ws.write("notes/readme.yaml", "just: notes\n")
        let first = try await ws.calsync(["reconcile", "m", "--status-dir", "."])
        #expect(first.exitCode == 3, "\(first.stderr)")
        // When a provider goes, Then only its card is removed: manifests and other YAML stay
        try ws.writeGeneratedManifests(tenants: 1, providersPerTenant: 1, directory: "m")
        #expect(try await ws.calsync(["reconcile", "m", "--status-dir", "."]).exitCode == 3)
        #expect(ws.exists("m/t0.yaml"))
        #expect(ws.exists("notes/readme.yaml"))
        #expect(!ws.exists("t0/p1.yaml"))
        #expect(ws.exists("t0/p0.yaml"))
    }

    @Test func reconcileAndPlanStayInTheActiveTenant() async throws {
        let ws = try Workspace()
        try ws.copySampleManifests()
        let plan = try await ws.calsync(["plan", "--tenant", "acme"])
        #expect(!plan.stdout.contains("globex"))
        #expect(!plan.stdout.contains("channel"))
        #expect(try await ws.calsync(["plan", "--tenant", "initech"]).exitCode == 1)
        #expect(try await ws.calsync(["reconcile", "--tenant", "acme"]).exitCode == 3)
        let providers = try SQLiteStateStore(path: ws.path + "/.calsync/state.db", mode: .readOnly).snapshot().providers
        #expect(providers.map(\.ref.description) == ["acme/google-main", "acme/outlook-rooms"])
    }

    @Test func savedPlanOfAnotherTenantIsForbidden() async throws {
        let ws = try Workspace()
        try ws.copySampleManifests()
        #expect(try await ws.calsync(["plan", "--out", "all.json"]).exitCode == 0)
        let forbidden = try await ws.calsync(["apply", "all.json", "--tenant", "globex"])
        #expect(forbidden.exitCode == 1)
        #expect(forbidden.stderr.contains("Forbidden"))
        #expect(!ws.exists(".calsync/state.db"))
        #expect(try await ws.calsync(["plan", "--tenant", "globex", "--out", "globex.json"]).exitCode == 0)
        #expect(try await ws.calsync(["apply", "globex.json", "--tenant", "globex"]).exitCode == 3)
    }

    @Test func editedPlanFilesAreRefused() async throws {
        let ws = try Workspace()
        try ws.copySampleManifests()
        _ = try await ws.calsync(["reconcile"])
        #expect(try await ws.calsync(["plan", "--out", "plan.json"]).exitCode == 0)
        // An action slipped into the file that its manifests do not ask for
        let text = try #require(ws.read("plan.json"))
        let edited = text.replacingOccurrences(of: "\"action\" : \"authorize\"", with: "\"action\" : \"delete\"")
        #expect(edited != text)
        try ws.write("plan.json", edited)
        let refused = try await ws.calsync(["apply", "plan.json"])
        #expect(refused.exitCode == 1)
        #expect(refused.stderr.contains("plan is stale"))
        #expect(try SQLiteStateStore(path: ws.path + "/.calsync/state.db", mode: .readOnly).snapshot().providers.count == 4)
    }

    @Test func dryRunOnAFreshDirectoryCreatesNoState() async throws {
        let ws = try Workspace()
        try ws.copySampleManifests()
        let dry = try await ws.calsync(["reconcile", "--dry-run"])
        #expect(dry.exitCode == 0)
        #expect(!ws.exists(".calsync"))
        let card = try #require(ws.read("status/acme/google-main.yaml"))
        #expect(card.contains("pendingActions:\n  - create\n  - authorize\n"))
        #expect(ws.read("status/summary.md")?.contains("outlook-rooms") == true)
    }

    @Test func refusedLostStateCreatesNothing() async throws {
        let ws = try Workspace()
        try ws.copySampleManifests()
        _ = try await ws.calsync(["reconcile"])
        try ws.remove(".calsync")
        #expect(try await ws.calsync(["reconcile"]).exitCode == 1)
        #expect(!ws.exists(".calsync/state.db"))
    }

    @Test func readOnlyCommandsNeverMigrate() async throws {
        let ws = try Workspace()
        try ws.write(".calsync/state.db", "")
        for command in [["status"], ["entries", "list", "--tenant", "acme"], ["entries", "export", "--tenant", "acme"], ["plan"]] {
            let result = try await ws.calsync(command + (command == ["plan"] ? [] : []), environment: [:])
            #expect(result.exitCode == 1, "\(command)")
            #expect(result.stderr.contains("calsync state migrate") || command == ["plan"], "\(command): \(result.stderr)")
        }
        let size = try FileManager.default.attributesOfItem(atPath: ws.path + "/.calsync/state.db")[.size] as? Int
        #expect(size == 0)
    }

    @Test func statusOfTenants() async throws {
        let ws = try Workspace()
        try ws.copySampleManifests()
        _ = try await ws.calsync(["reconcile"])
        #expect(try await ws.calsync(["status", "--tenant", "initech"]).exitCode == 1)
        try ws.remove("manifests/tenants/globex.yaml")
        #expect(try await ws.calsync(["reconcile"]).exitCode == 3)
        let empty = try await ws.calsync(["status", "globex"])
        #expect(empty.exitCode == 0, "a known tenant without providers is shown, not an error")
        #expect(empty.stdout == "No providers in the state.\n")
    }

    @Test func purgeOfADeclaredTenantIsRefused() async throws {
        let ws = try Workspace()
        try ws.copySampleManifests()
        _ = try await ws.calsync(["reconcile"])
        let refused = try await ws.calsync(["tenants", "purge", "acme", "--confirm", "acme"])
        #expect(refused.exitCode == 1)
        #expect(refused.stderr.contains("still declared"))
        let forbidden = try await ws.calsync(["tenants", "purge", "acme", "--confirm", "acme", "--tenant", "globex"])
        #expect(forbidden.exitCode == 1)
        #expect(forbidden.stderr.contains("Forbidden"))
    }

    @Test func revisedSeriesLosesInstancesItNoLongerHas() async throws {
        let ws = try Workspace()
        try ws.copySampleManifests()
        _ = try await ws.calsync(["reconcile"])
        func series(_ sequence: Int, count: Int, hour: Int = 9) async -> String {
            "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//EN\r\nBEGIN:VEVENT\r\nUID:s@x\r\nDTSTAMP:20261101T000000Z\r\n"
                + "SEQUENCE:\(sequence)\r\nDTSTART:20261201T\(String(format: "%02d", hour))0000Z\r\n"
                + "DTEND:20261201T\(String(format: "%02d", hour + 1))0000Z\r\nRRULE:FREQ=DAILY;COUNT=\(count)\r\n"
                + "SUMMARY:Daily\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
        }
        let range = ["--from", "2026-11-01T00:00:00Z", "--to", "2027-01-01T00:00:00Z"]
        try await ws.write("a.ics", series(0, count: 3))
        try await ws.write("b.ics", series(1, count: 2))
        #expect(try await ws.calsync(["entries", "import", "--tenant", "acme", "a.ics"] + range).stdout.contains("3 added"))
        let revised = try await ws.calsync(["entries", "import", "--tenant", "acme", "b.ics"] + range)
        #expect(revised.stdout.contains("2 updated, 0 unchanged, 1 removed"), "\(revised.stdout)")
        let list = try await ws.calsync(["entries", "list", "--tenant", "acme"])
        #expect(list.stdout.split(separator: "\n").count == 3, "header and two entries: \(list.stdout)")
        // A moved series changes every instance key: the old instances go, nothing is duplicated
        try await ws.write("c.ics", series(2, count: 2, hour: 11))
        let moved = try await ws.calsync(["entries", "import", "--tenant", "acme", "c.ics"] + range)
        #expect(moved.stdout.contains("2 added, 0 updated, 0 unchanged, 2 removed"), "\(moved.stdout)")
        let after = try await ws.calsync(["entries", "list", "--tenant", "acme"])
        #expect(after.stdout.split(separator: "\n").count == 3)
        #expect(after.stdout.contains("2026-12-01T11:00:00Z"))
    }
}
