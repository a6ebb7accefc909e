import ArgumentParser
import CalsyncModel
import CalsyncSecrets
import CalsyncState
import CalsyncTesting
import Foundation

/// Measures `calsync serve`'s webhook intake: concurrent URLSession clients POST Google `exists`
/// messages for a few providers to a running server, on 127.0.0.1 only.
@main
struct ServeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calsync-serve-bench",
        abstract: "Measures calsync serve's notifications/s, p50/p99 latency and the syncs they cause.")

    @Option(help: "The calsync executable to run (a release build).")
    var calsync: String

    @Option(help: "Concurrent clients.")
    var clients: Int = 16

    @Flag(help: "Share one URLSession between the clients instead of one each.")
    var sharedSession = false

    @Option(help: "Notifications per client.")
    var requests: Int = 1000

    @Option(help: "Providers (one Google channel each) the notifications are spread over.")
    var providers: Int = 4

    func run() async throws {
        let ws = try Workspace()
        let key = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        ws.environment = ["CALENDAR_OAUTH_ENCRYPTION_KEY": key, "T0_SECRET": "unused"]
        try ws.writeGeneratedManifests(tenants: 1, providersPerTenant: providers)
        let reconciled = try await CommandRunner.run(calsync, ["reconcile"], in: ws.path, environment: ws.environment)
        guard reconciled.exitCode == 3 || reconciled.exitCode == 0 else {
            throw ValidationError("calsync reconcile failed (exit \(reconciled.exitCode)): \(reconciled.stderr)")
        }
        let store = try SQLiteStateStore(path: ws.path + "/.calsync/state.db", mode: .readWrite)
        let ring = try Keyring.fromEnvironment(ws.environment, random: .system)
        var channels: [(id: String, token: String)] = []
        for index in 0..<providers {
            let token = "bench-token-\(index)-" + UUID().uuidString
            let id = "bench-channel-\(index)"
            guard let ref = ProviderRef("t0/p\(index)") else { continue }
            try store.recordWebhook(
                WebhookRecord(id: id, ref: ref, vendor: .google, secret: try ring.seal(Secret(token)), expiresAt: Date().addingTimeInterval(86_400)))
            channels.append((id, token))
        }
        let server = try await ServerProcess.launch(
            ["--listen", "127.0.0.1:0", "--interval", "1h", "--log-level", "warning"], in: ws.path, environment: ws.environment,
            executable: calsync)
        let channelList = channels
        func post(_ client: HTTPClient, _ index: Int) async throws -> Duration {
            let channel = channelList[index % channelList.count]
            let begin = ContinuousClock.now
            let result = try await client.send(
                "POST", server.baseURL + "/webhooks/google",
                headers: [
                    "X-Goog-Channel-ID": channel.id, "X-Goog-Channel-Token": channel.token, "X-Goog-Resource-State": "exists",
                    "X-Goog-Message-Number": "\(index + 2)", "X-Goog-Resource-ID": "bench",
                ])
            guard result.status == 200 else { throw ValidationError("a notification got \(result.status): \(result.text)") }
            return ContinuousClock.now - begin
        }
        // Warm up connections and caches.
        let warm = HTTPClient()
        for index in 0..<50 { _ = try await post(warm, index) }
        warm.shutdown()

        let (clients, requests, sessionPerClient) = (self.clients, self.requests, !self.sharedSession)
        let shared = HTTPClient()
        let started = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for client in 0..<clients {
                group.addTask {
                    let http = sessionPerClient ? HTTPClient() : shared
                    defer { if sessionPerClient { http.shutdown() } }
                    var samples: [Duration] = []
                    samples.reserveCapacity(requests)
                    for index in 0..<requests { samples.append(try await post(http, client * requests + index)) }
                    return samples
                }
            }
            return try await group.reduce(into: [Duration]()) { $0.append(contentsOf: $1) }
        }.sorted()
        let elapsed = ContinuousClock.now - started
        shared.shutdown()
        // Let the last debounce interval pass so its syncs are counted.
        try await Task.sleep(for: .seconds(3))
        let metrics = try await server.send("GET", "/metrics").text
        let syncs = metrics.split(separator: "\n").filter { $0.hasPrefix("calsync_syncs_total{") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
        let code = await server.stop()

        func milliseconds(_ duration: Duration) -> String {
            String(format: "%.2f ms", Double(duration.components.attoseconds) / 1e15 + Double(duration.components.seconds) * 1000)
        }
        func percentile(_ p: Double) -> Duration { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(
            "calsync-serve-bench: \(clients) clients × \(requests) Google exists notifications over \(providers) providers, "
                + (sessionPerClient ? "one URLSession each" : "one shared URLSession"))
        print(String(format: "  %.0f notifications/s", Double(latencies.count) / seconds)
            + ", p50 \(milliseconds(percentile(0.50))), p99 \(milliseconds(percentile(0.99)))"
            + ", \(Int(syncs)) syncs caused (debounce 2s), serve exited \(code.map(String.init) ?? "late")")
    }
}
