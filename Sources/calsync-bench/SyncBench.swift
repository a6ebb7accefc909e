import CalsyncEmulator
import CalsyncModel
import CalsyncProviders
import CalsyncSecrets
import CalsyncState
import CalsyncSync
import CalsyncTesting
import Foundation

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `calsync sync` of 10,000 events against a `calsync-emulator` child process: the first sync in both
/// directions at both vendors, the syncs after it, and calsync's time against the bare HTTP time of the
/// same requests.
enum SyncBench {
    static let eventCount = 10_000
    static let secretVariable = "BENCH_SYNC_SECRET"
    static let redirectURI = "http://127.0.0.1:8765/oauth/callback"

    /// One provider, alone in its tenant, and the account and calendar it syncs with.
    struct Provider {
        var ref: ProviderRef
        var vendor: CalsyncEmulator.Vendor
        var email: String
        /// The manifest's `calendarId`: the account's default calendar.
        var calendarID: String
        /// The calendar's id at the emulator's control API.
        var vendorCalendarID: String
        /// Entries pushed (the schedule starts full, the calendar empty) or events pulled (the other way).
        var isPush: Bool

        var clientID: String { "\(ref.tenant)-\(vendor.rawValue)" }
        var label: String { vendor == .google ? "Google" : "Graph" }
    }

    static let providers = [
        Provider(
            ref: ProviderRef("push-google/google")!, vendor: .google, email: "push-g@example.com", calendarID: "primary",
            vendorCalendarID: "push-g@example.com", isPush: true),
        Provider(
            ref: ProviderRef("push-graph/outlook")!, vendor: .microsoft, email: "push-m@example.com", calendarID: "calendar",
            vendorCalendarID: "push-m-calendar", isPush: true),
        Provider(
            ref: ProviderRef("pull-google/google")!, vendor: .google, email: "pull-g@example.com", calendarID: "primary",
            vendorCalendarID: "pull-g@example.com", isPush: false),
        Provider(
            ref: ProviderRef("pull-graph/outlook")!, vendor: .microsoft, email: "pull-m@example.com", calendarID: "calendar",
            vendorCalendarID: "pull-m-calendar", isPush: false),
    ]

    /// One `calsync sync` and the vendor requests it made.
    struct Run {
        var measurement: Measurement
        var requests: [RequestLogEntry]
        /// CPU time the emulator spent while the sync ran: answering it.
        var emulatorCPUSeconds: Double?
    }

    static func run(calsync: String) async throws {
        let workspace = try Workspace()
        let fixture = world(now: Date())
        try workspace.write("fixture.json", String(decoding: try JSONEncoder().encode(fixture), as: UTF8.self))
        // A child process, so that the bench's own process never slows the emulator down.
        let emulatorBinary = URL(fileURLWithPath: calsync).deletingLastPathComponent().appendingPathComponent("calsync-emulator")
        let emulator = try await EmulatorHarness.launch(
            executable: emulatorBinary, arguments: ["--seed", "1", "--fixture", workspace.path + "/fixture.json"])
        do {
            try await measureAll(calsync: calsync, emulator: emulator, workspace: workspace)
        } catch {
            await emulator.stop()
            throw error
        }
        await emulator.stop()
    }

    private static func measureAll(calsync: String, emulator: EmulatorHarness, workspace: Workspace) async throws {
        try writeManifests(in: workspace)
        let key = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let environment = [
            "CALSYNC_GOOGLE_BASE_URL": emulator.googleBaseURL, "CALSYNC_GRAPH_BASE_URL": emulator.graphBaseURL,
            "CALSYNC_MICROSOFT_LOGIN_BASE_URL": emulator.microsoftLoginBaseURL, Keyring.encryptionKeyVariable: key,
            secretVariable: "secret", "NO_COLOR": "1",
        ]
        let declare = measure(calsync, ["reconcile"], in: workspace.path, environment: environment)
        guard declare.exitCode == 3 else {
            throw BenchFailure("reconcile of the sync bench's providers before authorization exited \(declare.exitCode), expected 3")
        }
        try await VendorBench.authorize(
            providers.map { ($0.ref, $0.vendor, $0.email, $0.clientID) }, emulator: emulator, workspace: workspace,
            environment: environment)
        try addEntries(in: workspace)

        let count = eventCount.formatted()
        var replays: [(Provider, Run)] = []
        for provider in providers {
            let runs = try await syncThrice(provider, calsync: calsync, emulator: emulator, workspace: workspace, environment: environment)
            let what =
                provider.isPush ? "\(count) entries pushed to \(provider.label)" : "\(count) \(provider.label) events pulled"
            report("sync, first: \(what)", [runs[0].measurement], target: "report")
            print("    \(requestLine(runs[0].requests))")
            // After a push, the cursor the first sync stored predates its own writes: the second reads them back.
            let echo = provider.isPush ? " (reads back its own writes)" : ""
            report("sync, second: \(provider.label)\(echo)", [runs[1].measurement], target: provider.isPush ? "report" : "1 request")
            print("    \(requestLine(runs[1].requests, expecting: provider.isPush ? nil : 1))")
            report("sync, no change: \(provider.label), \(count) mapped", [runs[2].measurement], target: "1 request")
            print("    \(requestLine(runs[2].requests, expecting: 1))")
            if !provider.isPush { replays.append((provider, runs[0])) }
        }
        for (provider, first) in replays {
            try await compare(provider, calsync: first, emulator: emulator)
        }
    }

    /// The first sync of `provider`, a second one, and a third with nothing changed since the second.
    private static func syncThrice(
        _ provider: Provider, calsync: String, emulator: EmulatorHarness, workspace: Workspace, environment: [String: String]
    ) async throws -> [Run] {
        var runs: [Run] = []
        for ordinal in ["first", "second", "third"] {
            try await emulator.resetRequests()
            let before = emulator.processID.flatMap(ProcessCPU.seconds(of:))
            let run = measure(calsync, ["sync", provider.ref.description], in: workspace.path, environment: environment)
            let after = emulator.processID.flatMap(ProcessCPU.seconds(of:))
            guard run.exitCode == 0 else {
                throw BenchFailure("the \(ordinal) sync of \(provider.ref) exited \(run.exitCode), expected 0")
            }
            runs.append(
                Run(
                    measurement: run, requests: try await VendorBench.vendorRequests(emulator),
                    emulatorCPUSeconds: before.flatMap { start in after.map { $0 - start } }))
        }
        let store = try SQLiteStateStore(path: workspace.path + "/.calsync/state.db", mode: .readOnly)
        let synced = try store.mappings(of: provider.ref).filter { $0.status == .synced }.count
        guard synced == eventCount else {
            throw BenchFailure("\(provider.ref) holds \(synced) synced mappings after its syncs, expected \(eventCount)")
        }
        return runs
    }

    /// `N vendor requests: …` with a verdict when a count is expected. Graph `$batch` sub-requests are
    /// listed apart: they travel inside their `$batch` and are no HTTP requests of their own.
    static func requestLine(_ requests: [RequestLogEntry], expecting expected: Int? = nil) -> String {
        let sent = requests.filter { $0.batched != true }
        let batched = requests.filter { $0.batched == true }
        let verdict = expected.map { sent.count <= $0 ? ", within target" : ", ABOVE TARGET" } ?? ""
        let inside = batched.isEmpty ? "" : "; inside the $batch requests: \(VendorBench.routeSummary(batched))"
        return "\(sent.count) vendor requests\(verdict): \(VendorBench.routeSummary(sent))\(inside)"
    }

    // MARK: - The overhead ratio

    /// Sends the vendor requests of a first pull again, in the same order and one at a time as calsync
    /// sent them, with a plain `URLSession` and a fresh bearer token, and prints calsync's time over theirs.
    private static func compare(_ provider: Provider, calsync first: Run, emulator: EmulatorHarness) async throws {
        let requests = first.requests, calsync = first.measurement
        guard requests.allSatisfy({ $0.method == "GET" && $0.batched != true }) else {
            throw BenchFailure("the first pull of \(provider.ref) sent more than GETs: \(VendorBench.routeSummary(requests))")
        }
        let token = try await emulator.issueToken(vendor: provider.vendor, email: provider.email, clientId: provider.clientID)
        var headers = ["Authorization": "Bearer \(token.accessToken)", "Accept": "application/json"]
        if provider.vendor == .microsoft {
            headers["Prefer"] =
                "odata.maxpagesize=\(GraphCalendarClient.defaultPageSize), outlook.timezone=\"UTC\", outlook.body-content-type=\"text\""
        }
        let urls = try requests.map { entry in
            guard let url = URL(string: emulator.baseURL + entry.path + (entry.query.map { "?" + $0 } ?? "")) else {
                throw BenchFailure("the logged request \(entry.method) \(entry.route) does not make a URL")
            }
            return url
        }
        var bare: [Double] = []
        var bytes = 0
        let before = emulator.processID.flatMap(ProcessCPU.seconds(of:))
        for _ in 0..<3 {
            let (seconds, received) = try await replay(urls, headers: headers)
            bare.append(seconds)
            bytes = received
        }
        let after = emulator.processID.flatMap(ProcessCPU.seconds(of:))
        let emulatorPerReplay = before.flatMap { start in after.map { ($0 - start) / Double(bare.count) } }
        var reads: [Double] = []
        for _ in 0..<3 {
            reads.append(try await readAlone(provider, token: token.accessToken, emulator: emulator))
        }
        let median = bare.sorted()[bare.count / 2]
        let read = reads.sorted()[reads.count / 2]
        let ratio = calsync.seconds / median
        print(
            String(
                format: "%@ calsync %.3f s / bare %.3f s = %.2fx   target: ≤ 1.3x (%@)",
                padded("overhead: first pull from \(provider.label)"), calsync.seconds, median, ratio,
                (ratio <= 1.3 ? "within target" : "ABOVE TARGET") as NSString))
        print(String(format: "    calsync's CPU time (user + system): %.3f s", calsync.cpuSeconds))
        if let emulatorCPU = first.emulatorCPUSeconds, let emulatorPerReplay {
            // Both processes share the machine's cores: the sync cannot end before their CPU time, spread
            // over every core, is spent.
            let cores = Double(ProcessInfo.processInfo.activeProcessorCount)
            let floor = (calsync.cpuSeconds + emulatorCPU) / cores
            print(
                String(
                    format: "    the emulator's CPU time answering it: %.3f s (%.3f s per bare replay); on %d cores no schedule ends before %.3f s = %.2fx bare",
                    emulatorCPU, emulatorPerReplay, Int(cores), floor, floor / median))
        }
        print(
            String(
                format: "    the same %d GETs (%@), %.1f MiB of answers, replayed in order one at a time; median of %d",
                requests.count, VendorBench.routeSummary(requests) as NSString, Double(bytes) / 1_048_576, bare.count))
        print(
            String(
                format: "    reading alone (calsync's vendor client in this process: HTTP, decoding, no state) %.3f s = %.2fx bare; median of %d",
                read, read / median, reads.count))
    }

    /// Reads the pulled calendar in full with calsync's own vendor client, in this process and with no
    /// state: the requests, decoding their answers and turning them into `VendorEvent`s, which every pull
    /// does before it can store anything. Returns the time taken.
    private static func readAlone(_ provider: Provider, token: String, emulator: EmulatorHarness) async throws -> Double {
        guard let vendor = CalsyncModel.Vendor(rawValue: provider.vendor.rawValue), let google = URL(string: emulator.googleBaseURL),
            let graph = URL(string: emulator.graphBaseURL), let login = URL(string: emulator.microsoftLoginBaseURL)
        else {
            throw BenchFailure("the emulator's base URLs do not make URLs")
        }
        let time = SystemTime(), transport = URLSessionTransport()
        let app = OAuthApp(clientId: provider.clientID, clientSecret: nil, redirectUri: redirectURI)
        let oauth =
            vendor == .google
            ? OAuthClient.google(
                app: app, clientSecret: nil, authorizationBaseURL: google, tokenBaseURL: google, transport: transport, timeSource: time)
            : OAuthClient.microsoft(app: app, clientSecret: nil, loginBaseURL: login, transport: transport, timeSource: time)
        let current = TokenSet(
            accessToken: Secret(token), expiresAt: time.now.addingTimeInterval(3600), refreshToken: nil, isRefreshTokenRotated: false,
            scopes: [])
        let tokens = AccessTokens(client: oauth, refreshToken: Secret(""), current: current, timeSource: time)
        let client = CalendarClients.make(
            vendor: vendor, googleAPIBaseURL: google, graphBaseURL: graph, tokens: tokens, transport: transport,
            clock: ContinuousClock(), timeSource: time)
        let started = ContinuousClock.now
        let changes = try await client.changes(
            calendarId: provider.calendarID, cursor: nil, window: SyncRange.interval(SyncWindow(), now: time.now))
        let seconds = VendorBench.seconds(ContinuousClock.now - started)
        guard changes.events.count == eventCount else {
            throw BenchFailure("reading \(provider.ref)'s calendar alone returned \(changes.events.count) events, expected \(eventCount)")
        }
        return seconds
    }

    /// The system's clock, for the tokens and retries of `readAlone`.
    private struct SystemTime: TimeSource {
        var now: Date { Date() }
    }

    /// Sends `urls` one after another and reads each answer whole; returns the time taken and the bytes read.
    private static func replay(_ urls: [URL], headers: [String: String]) async throws -> (Double, Int) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.httpMaximumConnectionsPerHost = 8
        configuration.urlCache = nil
        let session = URLSession(configuration: configuration)
        defer { session.finishTasksAndInvalidate() }
        var bytes = 0
        let started = ContinuousClock.now
        for url in urls {
            var request = URLRequest(url: url)
            for (name, value) in headers { request.setValue(value, forHTTPHeaderField: name) }
            let (data, response) = try await session.data(for: request)
            guard (response as? HTTPURLResponse)?.statusCode == 200 else {
                throw BenchFailure("a replayed GET answered \((response as? HTTPURLResponse)?.statusCode ?? 0), expected 200")
            }
            bytes += data.count
        }
        return (VendorBench.seconds(ContinuousClock.now - started), bytes)
    }

    // MARK: - The world

    /// The instant of the `index`-th event: from tomorrow on, about 33 a day over 300 days, inside the
    /// default window (30 days back, 365 ahead).
    static func start(_ index: Int, now: Date) -> Date {
        let day: TimeInterval = 86_400
        let tomorrow = ((now.timeIntervalSince1970 / day).rounded(.down) + 1) * day
        let offset = TimeInterval(index % 300) * day + TimeInterval(8 * 3600 + (index / 300) * 900)
        return Date(timeIntervalSince1970: tomorrow + offset)
    }

    /// An app per tenant and vendor, an account per provider; the pulled calendars hold `eventCount` events.
    static func world(now: Date) -> EmulatorFixture {
        var apps: [OAuthAppFixture] = []
        var accounts: [AccountFixture] = []
        for provider in providers {
            apps.append(
                OAuthAppFixture(vendor: provider.vendor, clientId: provider.clientID, clientSecret: "secret", redirectUris: [redirectURI]))
            let events = provider.isPush ? nil : (0..<eventCount).map { vendorEvent($0, vendor: provider.vendor, now: now) }
            let calendar =
                provider.vendor == .google
                ? CalendarFixture(name: "Bench", events: events)
                : CalendarFixture(id: provider.vendorCalendarID, name: "Calendar", isDefault: true, events: events)
            accounts.append(AccountFixture(vendor: provider.vendor, email: provider.email, calendars: [calendar]))
        }
        return EmulatorFixture(apps: apps, accounts: accounts)
    }

    /// A vendor event in the vendor's own JSON shape, half an hour long.
    static func vendorEvent(_ index: Int, vendor: CalsyncEmulator.Vendor, now: Date) -> CalsyncEmulator.JSONValue {
        let start = start(index, now: now), end = start.addingTimeInterval(1800)
        switch vendor {
        case .google:
            return [
                "summary": .string("Vendor meeting \(index)"), "location": .string("Room \(index % 40)"),
                "start": ["dateTime": .string(RFC3339.string(start))], "end": ["dateTime": .string(RFC3339.string(end))],
            ]
        case .microsoft:
            func time(_ date: Date) -> CalsyncEmulator.JSONValue {
                ["dateTime": .string(String(RFC3339.string(date).dropLast())), "timeZone": "UTC"]
            }
            return [
                "subject": .string("Vendor meeting \(index)"), "location": ["displayName": .string("Room \(index % 40)")],
                "start": time(start), "end": time(end),
            ]
        }
    }

    static func writeManifests(in workspace: Workspace) throws {
        for provider in providers {
            let tenant = provider.ref.tenant
            let app = provider.vendor == .google ? "google" : "microsoft"
            let directory = provider.vendor == .microsoft ? "\n      directoryTenant: common" : ""
            try workspace.write(
                "manifests/\(tenant).yaml",
                """
                apiVersion: calsync/v1
                kind: Tenant
                metadata: { name: \(tenant) }
                spec:
                  oauthApps:
                    \(app):
                      clientId: \(provider.clientID)
                      clientSecret: { env: \(secretVariable) }
                      redirectUri: \(redirectURI)\(directory)
                ---
                apiVersion: calsync/v1
                kind: CalendarProvider
                metadata: { name: \(provider.ref.provider), tenant: \(tenant) }
                spec: { vendor: \(provider.vendor.rawValue), calendarId: \(provider.calendarID) }

                """)
        }
    }

    /// The pushing tenants' schedules: `eventCount` entries each, in one import transaction.
    static func addEntries(in workspace: Workspace) throws {
        let store = try SQLiteStateStore(path: workspace.path + "/.calsync/state.db", mode: .readWrite)
        let now = Date()
        let imported = (0..<eventCount).map { index in
            let start = start(index, now: now)
            return ImportedEntry(
                uid: "bench-\(index)@example.com", key: "bench-\(index)@example.com", sequence: 0, stamp: nil,
                title: "Meeting \(index)", description: nil, location: "Room \(index % 40)", start: .instant(start),
                end: .instant(start.addingTimeInterval(1800)), timeZone: nil)
        }
        let range = DateInterval(start: now.addingTimeInterval(-86_400), duration: 400 * 86_400)
        for provider in providers where provider.isPush {
            _ = try store.importEntries(
                imported, tenant: provider.ref.tenant, range: range, now: now,
                newID: { EntryID(rawValue: UUID().uuidString.lowercased()) }, supersedes: { _, _, _ in false })
        }
    }
}
