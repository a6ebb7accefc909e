import ArgumentParser
import CalsyncEmulator
import CalsyncTesting
import Foundation

/// Measures the emulator's request throughput and latency on loopback.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calsync-emulator-bench",
        abstract: "Measures calsync-emulator requests/s and p50/p99 latency with concurrent clients on 127.0.0.1.")

    @Option(help: "Concurrent clients.")
    var clients: Int = 16

    @Option(help: "Requests per client per scenario.")
    var requests: Int = 250

    @Option(help: "Events seeded in the calendar that events.list pages through.")
    var events: Int = 100

    func run() async throws {
        let harness = try await EmulatorHarness.start(fixture: EmulatorFixture(
            apps: [OAuthAppFixture(vendor: .google, clientId: "bench", clientSecret: "bench", redirectUris: ["http://127.0.0.1/cb"])],
            accounts: [AccountFixture(vendor: .google, email: "bench@example.com", calendars: [CalendarFixture(name: "Bench")])]))
        let token = try await harness.issueToken(vendor: .google, email: "bench@example.com", clientId: "bench").accessToken
        var firstID = ""
        for index in 0..<events {
            let event = try await harness.createEvent(vendor: .google, calendarID: "bench@example.com", [
                "summary": .string("Bench \(index)"),
                "start": ["dateTime": .string(String(format: "2026-02-%02dT09:00:00Z", index % 28 + 1))],
                "end": ["dateTime": .string(String(format: "2026-02-%02dT10:00:00Z", index % 28 + 1))],
            ])
            if index == 0 { firstID = event["id"]?.stringValue ?? "" }
        }
        let headers = ["Authorization": "Bearer \(token)"]
        let scenarios = [
            ("GET event", "/google/calendar/v3/calendars/primary/events/\(firstID)"),
            ("events.list (maxResults=50)", "/google/calendar/v3/calendars/primary/events?maxResults=50"),
        ]
        print("calsync-emulator-bench: \(clients) clients × \(requests) requests per scenario, \(events) events seeded")
        for (name, path) in scenarios {
            let result = try await measure(harness: harness, path: path, headers: headers)
            print(result.line(name: name))
        }
        await harness.stop()
    }

    private func measure(harness: EmulatorHarness, path: String, headers: [String: String]) async throws -> BenchResult {
        let started = ContinuousClock.now
        let latencies = try await withThrowingTaskGroup(of: [Duration].self) { group in
            for _ in 0..<clients {
                group.addTask {
                    let client = HTTPClient()
                    defer { client.shutdown() }
                    var samples: [Duration] = []
                    samples.reserveCapacity(requests)
                    for _ in 0..<requests {
                        let begin = ContinuousClock.now
                        let result = try await client.send("GET", harness.baseURL + path, headers: headers)
                        guard result.status == 200 else { throw HarnessError(description: "status \(result.status)") }
                        samples.append(ContinuousClock.now - begin)
                    }
                    return samples
                }
            }
            var all: [Duration] = []
            for try await samples in group { all += samples }
            return all
        }
        return BenchResult(latencies: latencies.sorted(), elapsed: ContinuousClock.now - started)
    }
}

/// Throughput and latency percentiles of one scenario.
struct BenchResult {
    let latencies: [Duration]
    let elapsed: Duration

    private func percentile(_ p: Double) -> Double {
        guard !latencies.isEmpty else { return 0 }
        let index = min(latencies.count - 1, Int((Double(latencies.count) * p).rounded(.up)) - 1)
        return milliseconds(latencies[max(0, index)])
    }

    private func milliseconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
    }

    func line(name: String) -> String {
        let seconds = milliseconds(elapsed) / 1000
        let rate = Double(latencies.count) / max(seconds, 0.000_001)
        let label = name.padding(toLength: 30, withPad: " ", startingAt: 0)
        return label + String(
            format: "%6d requests in %6.2f s: %8.0f requests/s, p50 %6.2f ms, p99 %6.2f ms",
            latencies.count, seconds, rate, percentile(0.50), percentile(0.99))
    }
}

