import CalsyncEmulator
import CalsyncModel
import CalsyncState
import CalsyncTesting
import Foundation
import Testing

/// Push to sync, end to end: the emulator notifies `calsync serve` of a vendor-side change, serve
/// verifies the notification, coalesces it and syncs the provider; the event lands in the schedule.
@Suite(.serialized) struct ServePushSyncTests {
    func titles(_ world: VendorWorld) async throws -> [String] {
        let list = try await world.workspace.calsync(["entries", "list", "--tenant", "acme", "-o", "json"])
        let json = try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any]
        return ((json?["entries"] as? [[String: Any]]) ?? []).compactMap { $0["title"] as? String }
    }

    func waitFor(_ title: String, in world: VendorWorld) async throws -> Bool {
        for _ in 0..<150 {
            if try await titles(world).contains(title) { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    @Test func aVendorChangeReachesTheScheduleThroughServe() async throws {
        let port = try FreePort.pick()
        let world = try await VendorWorld.start(webhookBaseURL: "http://127.0.0.1:\(port)")
        defer { Task { await world.stop() } }
        let ws = world.workspace
        #expect(try await ws.calsync(["reconcile"]).exitCode == 3)
        for ref in ["acme/google-main", "acme/outlook-main"] {
            #expect(try await world.authorize(ref).exitCode == 0)
        }
        // serve's first pass registers a channel and a subscription whose notifications come back to it
        let server = try await ServerProcess.launch(
            ["--listen", "127.0.0.1:\(port)", "--interval", "1h", "--debounce", "1s"], in: ws.path,
            environment: ws.environment)
        var registered = false
        for _ in 0..<150 where !registered {
            let channels = try await world.emulator.channels().filter { $0["live"] == .bool(true) }
            let subscriptions = try await world.emulator.subscriptions().filter { $0["live"] == .bool(true) }
            registered = channels.count == 1 && subscriptions.count == 1
            if !registered { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(registered, "\(server.stderr)")
        let calendars = try SQLiteStateStore(path: ws.path + "/.calsync/state.db", mode: .readOnly).snapshot().providers
        #expect(calendars.count == 2)

        // When an event is created at each vendor
        _ = try await world.emulator.createEvent(
            vendor: .google, calendarID: VendorWorld.googleAccount,
            ["summary": "Pushed from Google", "start": ["dateTime": "2026-12-01T10:00:00Z"], "end": ["dateTime": "2026-12-01T11:00:00Z"]])
        _ = try await world.emulator.createEvent(
            vendor: .microsoft, calendarID: "bob-calendar",
            [
                "subject": "Pushed from Outlook", "start": ["dateTime": "2026-12-02T10:00:00", "timeZone": "UTC"],
                "end": ["dateTime": "2026-12-02T11:00:00", "timeZone": "UTC"],
            ])

        // Then each lands in the tenant's schedule without a reconcile pass
        #expect(try await waitFor("Pushed from Google", in: world), "\(server.stderr)")
        #expect(try await waitFor("Pushed from Outlook", in: world), "\(server.stderr)")
        let metrics = try await server.send("GET", "/metrics").text
        #expect(metrics.contains("calsync_webhook_notifications_total"), "\(metrics)")
        #expect(await server.stop() == 0)
    }
}
