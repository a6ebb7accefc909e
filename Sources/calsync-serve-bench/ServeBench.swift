import ArgumentParser
import CalsyncModel
import CalsyncSecrets
import CalsyncState
import CalsyncTesting
import Foundation

/// Measures `calsync serve`'s webhook intake: keep-alive SwiftNIO connections POST Google `exists`
/// messages for a few providers to a running server, on 127.0.0.1 only.
@main
struct ServeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calsync-serve-bench",
        abstract: "Measures calsync serve's notifications/s, p50/p99/max latency and the syncs they cause.")

    @Option(help: "The calsync executable to run (a release build).")
    var calsync: String

    @Option(help: "Concurrent keep-alive connections, each sending one request at a time.")
    var clients: Int = 16

    @Option(help: "Notifications per connection.")
    var requests: Int = 1000

    @Option(help: "Notifications per connection sent first and not counted.")
    var warmup: Int = 100

    @Option(help: "Event loop threads of the load generator.")
    var clientThreads: Int = 1

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
        var channels: [GoogleChannel] = []
        for index in 0..<providers {
            let token = "bench-token-\(index)-" + UUID().uuidString
            let id = "bench-channel-\(index)"
            guard let ref = ProviderRef("t0/p\(index)") else { continue }
            try store.recordWebhook(
                WebhookRecord(
                    id: id, ref: ref, vendor: .google, secret: try ring.seal(Secret(token)),
                    expiresAt: Date().addingTimeInterval(86_400)))
            channels.append(GoogleChannel(id: id, token: token))
        }
        let server = try await ServerProcess.launch(
            ["--listen", "127.0.0.1:0", "--interval", "1h", "--log-level", "warning"], in: ws.path,
            environment: ws.environment,
            executable: calsync)
        let authority = server.baseURL.dropFirst("http://".count)
        guard let colon = authority.lastIndex(of: ":"), let port = Int(authority[authority.index(after: colon)...])
        else {
            throw ValidationError("calsync serve listens on \(authority), not HOST:PORT")
        }
        let load = WebhookLoad(
            host: String(authority[..<colon]), port: port, channels: channels, threads: clientThreads)

        _ = try await load.run(connections: clients, requests: warmup)
        let (clientCPU, serverCPU) = (ProcessCPU.ownSeconds(), ProcessCPU.seconds(of: server.processIdentifier))
        let result = try await load.run(connections: clients, requests: requests, firstMessage: clients * warmup)
        let (clientUsed, serverUsed) = (
            ProcessCPU.ownSeconds() - clientCPU,
            ProcessCPU.seconds(of: server.processIdentifier).map { $0 - (serverCPU ?? 0) }
        )
        try await load.shutdown()
        // Let the last debounce interval pass so its syncs are counted.
        try await Task.sleep(for: .seconds(3))
        let metrics = try await server.send("GET", "/metrics").text
        let syncs = metrics.split(separator: "\n").filter { $0.hasPrefix("calsync_syncs_total{") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
        let code = await server.stop()

        let latencies = result.latencies
        func milliseconds(_ nanoseconds: UInt64) -> String { String(format: "%.2f ms", Double(nanoseconds) / 1e6) }
        func percentile(_ p: Double) -> UInt64 { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        let seconds = Double(result.elapsed) / 1e9
        let statuses = result.statuses.sorted { $0.key < $1.key }.map { "\($0.value) × \($0.key)" }
            .joined(separator: ", ")
        let threads = "\(clientThreads) event loop thread\(clientThreads == 1 ? "" : "s")"
        print(
            "calsync-serve-bench: \(clients) keep-alive connections × \(requests) Google exists notifications"
                + " over \(providers) providers (SwiftNIO client, \(threads), after \(warmup) each to warm up)")
        print(
            String(format: "  %.0f notifications/s in %.2f s", Double(latencies.count) / seconds, seconds)
                + ", p50 \(milliseconds(percentile(0.50))), p99 \(milliseconds(percentile(0.99)))"
                + ", max \(milliseconds(latencies.last ?? 0))")
        print(
            "  statuses: \(statuses); \(Int(syncs)) syncs caused (debounce 2s); serve exited \(code.map(String.init) ?? "late")"
        )
        print(
            String(format: "  CPU during the run: client %.2f s", clientUsed)
                + (serverUsed.map { String(format: ", server %.2f s", $0) } ?? "")
                + String(format: ", of %.2f s × %d cores", seconds, ProcessInfo.processInfo.activeProcessorCount))
        guard result.statuses.keys.allSatisfy({ $0 == 200 }) else {
            throw ValidationError("some notifications were not answered 200: \(statuses)")
        }
    }
}
