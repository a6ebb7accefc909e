import CalsyncModel
import CalsyncServer
import CalsyncState
import CalsyncTesting
import Foundation
import Testing

/// `/healthz`, `/metrics`, the reconcile timer and the stale-sync watchdog.
@Suite struct HealthAndServicesTests {
    @Test func healthzAndMetrics() async throws {
        let fixture = try await ServerFixture()
        let health = try await fixture.send("GET", "/healthz")
        #expect(health.status == 200)
        #expect(health.json?["status"]?.stringValue == "ok")
        _ = try await fixture.send("GET", "/api/v1/tenants/acme/entries")
        let metrics = try await fixture.send("GET", "/metrics")
        #expect(metrics.status == 200)
        #expect(metrics.header("content-type")?.hasPrefix("text/plain") == true)
        for sample in [
            "calsync_http_requests_total{route=\"/healthz\",status=\"200\"} 1",
            "calsync_http_requests_total{route=\"/api/v1/tenants/{tenant}/entries\",status=\"401\"} 1",
            "calsync_sync_queue_depth 0", "calsync_syncs_total{result=\"succeeded\"} 0",
            "calsync_webhook_notifications_total{vendor=\"google\",result=\"rejected\"} 0",
        ] {
            #expect(metrics.text.contains(sample), "\(sample)")
        }
        // The reconcile pass at start ran once
        #expect(try await fixture.eventually { try await fixture.metric("calsync_reconcile_passes_total{result=\"completed\"}") == 1 })
        #expect(await fixture.recorder.reconcilePasses == 1)
        try await fixture.stop()
    }

    @Test func staleProvidersAreCountedAndLogged() async throws {
        let stale = ProviderRef("globex/stale")!
        let fixture = try await ServerFixture { store in
            let card = ProviderCardState(
                ready: Condition(status: .true, reason: .converged, message: "m", lastTransitionTime: Date(timeIntervalSince1970: 0)), pendingActions: [])
            let spec = ProviderSpec(ref: stale, vendor: .google, calendarId: "primary", syncInterval: .minutes(15))
            // Last synced 31 minutes ago: more than twice its 15-minute interval
            let state = ProviderState(
                ref: stale, applied: spec, credential: .valid, lastSync: LastSync(at: Date().addingTimeInterval(-31 * 60), result: .succeeded))
            try store.apply(.recordProvider(state, card: card))
            // A disabled one and an unauthorized one never count
            for (name, credential, enabled) in [("off", CredentialStatus.valid, false), ("unauthorized", .none, true)] {
                let ref = ProviderRef("globex/\(name)")!
                let spec = ProviderSpec(ref: ref, vendor: .google, calendarId: "primary", enabled: enabled)
                try store.apply(.recordProvider(ProviderState(ref: ref, applied: spec, credential: credential, isActive: enabled), card: card))
            }
        }
        #expect(try await fixture.eventually { try await fixture.metric("calsync_stale_providers") == 1 })
        try await fixture.stop()
    }

    @Test func staleRuleIsTwiceTheInterval() {
        let ref = ProviderRef("acme/p")!
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let spec = ProviderSpec(ref: ref, vendor: .google, calendarId: "primary", syncInterval: .minutes(10))
        func state(_ ago: TimeInterval?) -> ProviderState {
            ProviderState(ref: ref, applied: spec, credential: .valid, lastSync: ago.map { LastSync(at: now.addingTimeInterval(-$0), result: .succeeded) })
        }
        #expect(!StaleSync.isStale(state(1200), now: now))
        #expect(StaleSync.isStale(state(1201), now: now))
        #expect(StaleSync.isStale(state(nil), now: now))
    }
}
