import CalsyncState
import CalsyncTesting
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `make bench`: speed and memory figures of calsync's commands, printed.

struct Measurement {
    var seconds: Double
    var peakRSSMiB: Double
    var exitCode: Int32
    /// User and system CPU time of the command.
    var cpuSeconds: Double = 0
}

/// Runs a command with its output discarded and returns its wall time, peak resident memory and CPU time.
///
/// The command is started by a fresh copy of this bench (`measuredChildFlag`), not by this process: Linux
/// carries a parent's peak resident memory over into a child it spawns (`ru_maxrss` survives `execve`), so
/// a command started from this process, which grows as it runs, would report this process's peak whenever
/// that is larger than its own.
/// - Parameters:
///   - environment: Variables set for the command on top of this process's environment.
func measure(
    _ executable: String, _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]
) -> Measurement {
    let failed = Measurement(seconds: 0, peakRSSMiB: 0, exitCode: -1)
    guard let bench = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return failed }
    var pipe: [Int32] = [0, 0]
    guard Glibc.pipe(&pipe) == 0 else { return failed }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_adddup2(&actions, pipe[1], 1)
    posix_spawn_file_actions_addclose(&actions, pipe[0])
    posix_spawn_file_actions_addclose(&actions, pipe[1])
    let argv = ([bench, measuredChildFlag, executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let variables = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
    defer { envp.forEach { free($0) } }
    let previous = FileManager.default.currentDirectoryPath
    if let directory { _ = FileManager.default.changeCurrentDirectoryPath(directory) }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, bench, &actions, nil, argv, envp)
    _ = FileManager.default.changeCurrentDirectoryPath(previous)
    posix_spawn_file_actions_destroy(&actions)
    close(pipe[1])
    let answer = FileHandle(fileDescriptor: pipe[0], closeOnDealloc: true).readDataToEndOfFile()
    guard spawned == 0 else { return failed }
    var status: Int32 = 0
    waitpid(pid, &status, 0)
    let fields = String(decoding: answer, as: UTF8.self).split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
    guard fields.count == 4 else { return failed }
    return Measurement(seconds: fields[0], peakRSSMiB: fields[1], exitCode: Int32(fields[2]), cpuSeconds: fields[3])
}

/// The first argument that makes this bench start the command after it, wait for it and print
/// `SECONDS PEAK_RSS_MIB EXIT_CODE CPU_SECONDS`: `measure`'s own small process between this one and the command.
let measuredChildFlag = "--measured-child"

/// Starts the command with its output discarded in this (small) process and measures it.
func measureChild(_ executable: String, _ arguments: [String]) -> Measurement {
    var pid: pid_t = 0
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0)
    let argv = ([executable] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    let start = ContinuousClock.now
    let spawned = posix_spawn(&pid, executable, &actions, nil, argv, environ)
    posix_spawn_file_actions_destroy(&actions)
    guard spawned == 0 else { return Measurement(seconds: 0, peakRSSMiB: 0, exitCode: -1) }
    var status: Int32 = 0
    var usage = rusage()
    wait4(pid, &status, 0, &usage)
    let elapsed = ContinuousClock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    func cpu(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1e6 }
    return Measurement(
        seconds: seconds, peakRSSMiB: Double(usage.ru_maxrss) / 1024, exitCode: (status >> 8) & 0xFF,
        cpuSeconds: cpu(usage.ru_utime) + cpu(usage.ru_stime))
}

/// Writes `files` manifest files declaring `tenants` tenants with `providersPerTenant` providers each.
func generateManifests(in directory: String, files: Int, tenants: Int, providersPerTenant: Int) throws {
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    for file in 0..<files {
        var text = ""
        for tenant in stride(from: file, to: tenants, by: files) {
            text += """
                apiVersion: calsync/v1
                kind: Tenant
                metadata: { name: tenant-\(tenant) }
                spec:
                  displayName: Tenant \(tenant)
                  oauthApps:
                    google:
                      clientId: \(tenant).apps.googleusercontent.com
                      clientSecret: { env: TENANT_\(tenant)_GOOGLE_SECRET }
                      redirectUri: http://127.0.0.1:8765/oauth/callback
                    microsoft:
                      clientId: 00000000-0000-0000-0000-\(String(format: "%012d", tenant))
                      redirectUri: http://127.0.0.1:8765/oauth/callback

                """
            for provider in 0..<providersPerTenant {
                let vendor = provider % 2 == 0 ? "google" : "microsoft"
                text += """
                    ---
                    apiVersion: calsync/v1
                    kind: CalendarProvider
                    metadata: { name: provider-\(provider), tenant: tenant-\(tenant) }
                    spec:
                      vendor: \(vendor)
                      calendarId: \(vendor == "google" ? "primary" : "calendar")
                      syncDirection: bidirectional
                      conflictPolicy: newest
                      window: { pastDays: 30, futureDays: 365 }
                      syncInterval: 15m

                    """
            }
            text += "---\n"
        }
        try text.write(toFile: "\(directory)/tenants-\(file).yaml", atomically: false, encoding: .utf8)
    }
}

func report(_ name: String, _ runs: [Measurement], target: String) {
    let times = runs.map(\.seconds).sorted()
    let median = times[times.count / 2]
    let rss = runs.map(\.peakRSSMiB).max() ?? 0
    print(
        String(
            format: "%@ median %.3f s (min %.3f, max %.3f, %d runs), peak RSS %.1f MiB   target: %@",
            padded(name), median, times.first ?? 0, times.last ?? 0, runs.count, rss, target as NSString))
}

/// `name` followed by spaces up to 44 characters (Foundation on Linux ignores the width of `%-44@`).
func padded(_ name: String) -> NSString {
    (name + String(repeating: " ", count: max(0, 44 - name.count))) as NSString
}

if CommandLine.arguments.count > 2, CommandLine.arguments[1] == measuredChildFlag {
    let run = measureChild(CommandLine.arguments[2], Array(CommandLine.arguments.dropFirst(3)))
    print(run.seconds, run.peakRSSMiB, run.exitCode, run.cpuSeconds)
    exit(0)
}

var calsync = RepositoryPaths.path(".build/release/calsync")
/// `--only offline` runs the scenarios without vendors, `--only vendor` those against the emulator,
/// `--only sync` the event syncs of 10,000 events.
var only: String?
var vendorProviders = 200
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    if argument == "--calsync", let path = arguments.popFirst() {
        calsync = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    } else if argument == "--only", let scenarios = arguments.popFirst(), ["offline", "vendor", "sync"].contains(scenarios) {
        only = scenarios
    } else if argument == "--vendor-providers", let text = arguments.popFirst(), let count = Int(text), count >= 20 {
        vendorProviders = count
    } else {
        print("usage: calsync-bench [--calsync PATH] [--only offline|vendor|sync] [--vendor-providers N (≥ 20)]")
        exit(64)
    }
}

let workspace = NSTemporaryDirectory() + "calsync-bench-" + UUID().uuidString
defer { try? FileManager.default.removeItem(atPath: workspace) }

print("calsync benchmarks (\(ProcessInfo.processInfo.activeProcessorCount) cores)")
if only == nil || only == "offline" {
    do {
        let manifests = workspace + "/manifests"
        try generateManifests(in: manifests, files: 1_000, tenants: 1_000, providersPerTenant: 3)
        let check = measure(calsync, ["validate", manifests])
        guard check.exitCode == 0 else {
            print("validate of the generated manifests failed with exit code \(check.exitCode)")
            exit(1)
        }
        let runs = (0..<5).map { _ in measure(calsync, ["validate", manifests]) }
        report("validate: 1,000 files, 1,000 tenants, 3,000 providers", runs, target: "< 1 s, < 150 MB")

        // Offline plan against converged state, at growing sizes: the time should grow linearly.
        var perProvider: [(Int, Double)] = []
        for providers in [1_000, 2_000, 5_000, 10_000] {
            let ws = try Workspace()
            try ws.writeGeneratedManifests(tenants: providers / 10, providersPerTenant: 10)
            let setup = measure(calsync, ["reconcile"], in: ws.path)
            guard setup.exitCode == 3 else {
                print("reconcile of \(providers) providers failed with exit code \(setup.exitCode)")
                exit(1)
            }
            let plans = (0..<3).map { _ in measure(calsync, ["plan", "--no-refresh"], in: ws.path) }
            let median = plans.map(\.seconds).sorted()[1]
            perProvider.append((providers, median))
            report("plan --no-refresh: \(providers) providers", plans, target: providers == 10_000 ? "< 1 s, < 200 MB" : "linear")
            if providers == 10_000 {
                print(String(format: "%@ %.3f s for 10,000 providers (%d transactions)", padded("reconcile from empty state"), setup.seconds, 11_000))
                let store = try SQLiteStateStore(path: ws.path + "/.calsync/state.db", mode: .readOnly)
                let before = try store.serial()
                let noop = (0..<3).map { _ in measure(calsync, ["reconcile"], in: ws.path) }
                let after = try store.serial()
                report("no-op reconcile: 10,000 converged providers", noop, target: "zero state writes")
                print("    state serial before \(before), after \(after): \(after == before ? "no writes" : "WRITES HAPPENED")")
            }
        }
        // The schedule: import and export of a 10,000-event iCalendar file through the CLI.
        let schedule = try Workspace()
        try schedule.writeGeneratedManifests(tenants: 1, providersPerTenant: 1)
        _ = measure(calsync, ["reconcile"], in: schedule.path)
        var ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//calsync bench//EN\r\n"
        for index in 0..<10_000 {
            let day = 1 + index % 28, hour = 8 + index % 10, month = 1 + (index / 28) % 12
            ics += "BEGIN:VEVENT\r\nUID:bench-\(index)@example.com\r\nDTSTAMP:20261101T000000Z\r\n"
            ics += String(format: "DTSTART:2027%02d%02dT%02d0000Z\r\nDTEND:2027%02d%02dT%02d3000Z\r\n", month, day, hour, month, day, hour)
            ics += "SUMMARY:Meeting \(index)\r\nLOCATION:Room \(index % 40)\r\nEND:VEVENT\r\n"
        }
        ics += "END:VCALENDAR\r\n"
        try schedule.write("bench.ics", ics)
        let range = ["--from", "2026-12-01T00:00:00Z", "--to", "2028-01-01T00:00:00Z"]
        let firstImport = measure(calsync, ["entries", "import", "--tenant", "t0", "bench.ics"] + range, in: schedule.path)
        report("entries import: 10,000 events (new)", [firstImport], target: "report")
        let reimport = (0..<3).map { _ in measure(calsync, ["entries", "import", "--tenant", "t0", "bench.ics"] + range, in: schedule.path) }
        report("entries import: 10,000 events (unchanged)", reimport, target: "report")
        let export = (0..<3).map { _ in measure(calsync, ["entries", "export", "--tenant", "t0", "--out", "out.ics"], in: schedule.path) }
        report("entries export: 10,000 entries", export, target: "report")

        if let first = perProvider.first, let last = perProvider.last {
            let ratio = (last.1 / Double(last.0)) / (first.1 / Double(first.0))
            print(String(format: "    plan time per provider, 10k vs 1k: %.2fx (1.0 is linear)", ratio))
        }
    } catch {
        print("benchmark failed: \(error)")
        exit(1)
    }
}

if only == nil || only == "vendor" {
    // The vendor side, against an in-process calsync-emulator with a webhook receiver.
    do {
        try await VendorBench.run(calsync: calsync, providers: vendorProviders)
    } catch {
        print("vendor benchmark failed: \(error)")
        exit(1)
    }
}

if only == nil || only == "sync" {
    // Event sync: 10,000 events each way at both vendors, against a calsync-emulator child process.
    do {
        try await SyncBench.run(calsync: calsync)
    } catch {
        print("sync benchmark failed: \(error)")
        exit(1)
    }
}
