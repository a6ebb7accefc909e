import CalsyncModel
import CalsyncState
import CalsyncTesting
import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `kill -9` at random moments of a reconcile over 1,000 providers loses nothing and duplicates nothing.
@Suite struct ReconcileCrashTests {
    @Test func sigkillAtRandomPointsThenConverge() async throws {
        let seed = TestSize.seed()
        var random = SeededRandom(seed: seed)
        let kills = TestSize.pick(small: 6, long: 60)
        // Given 100 tenants with 10 providers each
        let ws = try Workspace()
        try ws.writeGeneratedManifests(tenants: 100, providersPerTenant: 10)
        let database = ws.path + "/.calsync/state.db"
        // How long one whole reconcile takes here, to spread the kills over it
        let probe = try Workspace()
        try probe.writeGeneratedManifests(tenants: 100, providersPerTenant: 10)
        let started = ContinuousClock.now
        _ = try await probe.calsync(["reconcile"])
        let full = ContinuousClock.now - started
        let fullMilliseconds = Int(full.components.seconds * 1000 + full.components.attoseconds / 1_000_000_000_000_000)

        // When reconcile is killed with SIGKILL at random points, again and again, each run with work to do
        // (the manifests alternate between two intervals, so every provider is updated in every run)
        var killedMidRun = 0
        for round in 0..<kills {
            try ws.writeGeneratedManifests(tenants: 100, providersPerTenant: 10, syncInterval: round % 2 == 0 ? "20m" : "15m")
            let run = try BackgroundCommand.calsync(["reconcile"], in: ws.path, environment: [:])
            let delay = Int.random(in: 0...max(1, fullMilliseconds * 4 / 5), using: &random)
            try await Task.sleep(for: .milliseconds(delay))
            if run.isRunning {
                run.send(SIGKILL)
                killedMidRun += 1
            }
            _ = await run.wait()
        }

        // Then a last reconcile finishes, and the state is exact and sound
        try ws.writeGeneratedManifests(tenants: 100, providersPerTenant: 10, syncInterval: "30m")
        let last = try await ws.calsync(["reconcile", "--init"])
        #expect(last.exitCode == 3, "seed \(seed): \(last.stderr.prefix(500))")
        let store = try SQLiteStateStore(path: database, mode: .readOnly)
        #expect(try store.integrityCheck() == "ok", "seed \(seed)")
        let snapshot = try store.snapshot()
        #expect(snapshot.tenants.count == 100, "seed \(seed)")
        #expect(snapshot.providers.count == 1_000, "seed \(seed)")
        #expect(Set(snapshot.providers.map(\.ref)).count == 1_000, "seed \(seed)")
        #expect(snapshot.providers.allSatisfy { $0.applied.syncInterval == .minutes(30) && $0.generation >= 1 }, "seed \(seed)")
        #expect(ws.files(under: "status").count == 1_001, "seed \(seed)")
        // And nothing but consent is left to do
        let plan = try await ws.calsync(["plan", "--detailed-exitcode"])
        #expect(plan.exitCode == 2, "seed \(seed): \(plan.stdout.prefix(300))")
        #expect(plan.stdout.hasPrefix("Plan: 1000 to authorize."), "seed \(seed)")
        #expect(killedMidRun > 0 || kills == 0, "seed \(seed): no kill landed mid-run")
    }
}
