import CalsyncEmulator
import CalsyncModel
import CalsyncState
import CalsyncTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `kill -9` at random moments of a pull that spans several batches of steps loses nothing and copies
/// nothing: the cursor is stored after the last batch, so the next sync reads the same changes again.
@Suite struct SyncCrashTests {
    @Test func sigkillDuringAPullThenConverge() async throws {
        let seed = TestSize.seed()
        var random = SeededRandom(seed: seed)
        let kills = TestSize.pick(small: 4, long: 30)
        // Given an authorized Google provider, 1,200 events at the vendor, and syncs that commit 500 steps
        // to a transaction (three batches)
        let world = try await VendorWorld.start(start: EmulatorHarness.defaultStart)
        defer { Task { await world.stop() } }
        let ws = world.workspace
        ws.environment["CALSYNC_SYNC_BATCH_SIZE"] = "500"
        #expect(try await ws.calsync(["reconcile"]).exitCode == 3)
        let authorized = try await world.authorize("acme/google-main")
        #expect(authorized.exitCode == 0, "\(authorized.stderr)")
        var count = 0
        func addEvents(_ number: Int) async throws {
            for _ in 0..<number {
                let start = EmulatorHarness.defaultStart.addingTimeInterval(86_400 + Double(count) * 1_800)
                _ = try await world.emulator.createEvent(
                    vendor: .google, calendarID: VendorWorld.googleAccount,
                    [
                        "summary": .string("Event \(count)"), "start": ["dateTime": .string(RFC3339.string(start))],
                        "end": ["dateTime": .string(RFC3339.string(start.addingTimeInterval(1_800)))],
                    ])
                count += 1
            }
        }
        try await addEvents(1_200)
        // When `calsync sync` is killed with SIGKILL at random points of the pull, again and again, with
        // more events added before each run, so every run has a pull to do
        var killedMidRun = 0
        for round in 0..<kills {
            if round > 0 { try await addEvents(200) }
            let run = try BackgroundCommand.calsync(["sync", "acme/google-main"], in: ws.path, environment: ws.environment)
            try await Task.sleep(for: .milliseconds(Int.random(in: 20...600, using: &random)))
            if run.isRunning {
                run.send(SIGKILL)
                killedMidRun += 1
            }
            _ = await run.wait()
        }
        // Then a last sync finishes, and every event is one entry with one synced mapping
        let last = try await ws.calsync(["sync", "acme/google-main"])
        #expect(last.exitCode == 0, "seed \(seed): \(last.stderr.prefix(500))")
        let store = try SQLiteStateStore(path: ws.path + "/.calsync/state.db", mode: .readOnly)
        #expect(try store.integrityCheck() == "ok", "seed \(seed)")
        let tenant = try #require(TenantName(rawValue: "acme"))
        let entries = try store.entries(tenant: tenant).filter { $0.origin == "acme/google-main" }
        #expect(entries.count == count, "seed \(seed)")
        #expect(Set(entries.map(\.title)).count == count, "seed \(seed): no event was pulled twice")
        let ref = try #require(ProviderRef("acme/google-main"))
        let mappings = try store.mappings(of: ref)
        #expect(mappings.count == count, "seed \(seed)")
        #expect(mappings.allSatisfy { $0.status == .synced }, "seed \(seed)")
        #expect(Set(mappings.compactMap(\.entryID)) == Set(entries.map(\.id)), "seed \(seed)")
        // And nothing was written back to the vendor
        #expect(try await world.emulator.events(vendor: .google, calendarID: VendorWorld.googleAccount).count == count, "seed \(seed)")
        let again = try await ws.calsync(["sync", "acme/google-main"])
        #expect(again.stdout == "Synced acme/google-main: pulled 0, pushed 0, deleted 0, conflicts 0, errors 0.\n", "seed \(seed)")
        #expect(killedMidRun > 0 || kills == 0, "seed \(seed): no kill landed mid-run")
    }
}
