import CalsyncEmulator
import CalsyncModel
import CalsyncSecrets
import CalsyncState
import CalsyncTesting
import Foundation

/// The vendor side of `reconcile` against an in-process `calsync-emulator`: what the first reconcile
/// after authorization costs, and how many vendor requests a converged, no-op reconcile makes.
enum VendorBench {
    /// Providers per tenant: half Google, half Microsoft.
    static let providersPerTenant = 20
    /// Calendars per account; each provider uses one.
    static let calendarsPerAccount = 5
    static let googleSecretVariable = "BENCH_GOOGLE_SECRET"
    static let microsoftSecretVariable = "BENCH_MS_SECRET"
    static let redirectURI = "http://127.0.0.1:8765/oauth/callback"

    /// One declared provider and the account and calendar it reads.
    struct Provider {
        var ref: ProviderRef
        var vendor: CalsyncEmulator.Vendor
        var clientID: String
        var email: String
        /// The manifest's `calendarId`: `primary`/`calendar` for an account's default calendar.
        var calendarID: String
    }

    /// What one world of providers gave.
    struct Figures {
        var authorizeSeconds: Double
        var first: Measurement
        var firstRequests: [RequestLogEntry]
        var liveWebhooks: Int
        var noops: [Measurement]
        var noopRequests: [[RequestLogEntry]]
    }

    /// Runs both scenarios in `rounds` fresh worlds of `providers` providers (rounded down to a
    /// multiple of 20) and prints their figures.
    static func run(calsync: String, providers count: Int, rounds: Int = 3) async throws {
        let tenants = max(1, count / providersPerTenant)
        var all: [Figures] = []
        for _ in 0..<rounds {
            all.append(try await round(calsync: calsync, tenants: tenants))
        }
        let providers = tenants * providersPerTenant
        let authorize = all.map(\.authorizeSeconds).sorted()[all.count / 2]
        print(
            String(
                format: "%@ median %.3f s (%d runs; control API issueToken, then storeCredential + cacheAccessToken, sealed)",
                padded("authorize: \(providers) providers"), authorize, all.count))
        let first = all.map(\.first)
        report("reconcile after authorize: \(providers) providers", first, target: "report")
        let firstRequests = all.map(\.firstRequests).max { $0.count < $1.count } ?? []
        print(
            "    \(firstRequests.count) vendor requests (\(perProvider(firstRequests.count, providers)) per provider), "
                + "\(all.map(\.liveWebhooks).min() ?? 0) live webhooks after it: \(routeSummary(firstRequests))")
        report("no-op reconcile: \(providers) authorized providers", all.flatMap(\.noops), target: "≤ 1 request per provider")
        let noopRequests = all.flatMap(\.noopRequests).max { $0.count < $1.count } ?? []
        let verdict = noopRequests.count <= providers ? "within target" : "ABOVE TARGET"
        print(
            "    \(noopRequests.count) vendor requests (\(perProvider(noopRequests.count, providers)) per provider, "
                + "the most of any run, \(verdict)): \(routeSummary(noopRequests))")
    }

    /// One world: an in-process emulator seeded with the accounts, a webhook receiver, a workspace.
    private static func round(calsync: String, tenants: Int) async throws -> Figures {
        let (fixture, providers) = world(tenants: tenants)
        let emulator = try await EmulatorHarness.start(fixture: fixture, start: Date())
        let receiver = try await WebhookReceiver.start()
        let workspace = try Workspace()
        let key = Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString()
        let environment = [
            "CALSYNC_GOOGLE_BASE_URL": emulator.googleBaseURL, "CALSYNC_GRAPH_BASE_URL": emulator.graphBaseURL,
            "CALSYNC_MICROSOFT_LOGIN_BASE_URL": emulator.microsoftLoginBaseURL,
            "CALSYNC_WEBHOOK_BASE_URL": receiver.url, Keyring.encryptionKeyVariable: key,
            googleSecretVariable: "g-secret", microsoftSecretVariable: "m-secret", "NO_COLOR": "1",
        ]
        let figures: Figures
        do {
            figures = try await measureScenarios(
                calsync: calsync, providers: providers, tenants: tenants, emulator: emulator, workspace: workspace,
                environment: environment)
        } catch {
            await receiver.stop()
            await emulator.stop()
            throw error
        }
        await receiver.stop()
        await emulator.stop()
        return figures
    }

    private static func measureScenarios(
        calsync: String, providers: [Provider], tenants: Int, emulator: EmulatorHarness, workspace: Workspace,
        environment: [String: String]
    ) async throws -> Figures {
        try writeManifests(providers, tenants: tenants, in: workspace)
        let label = "\(providers.count) providers"
        let declare = measure(calsync, ["reconcile"], in: workspace.path, environment: environment)
        guard declare.exitCode == 3 else {
            throw BenchFailure("reconcile of \(label) before authorization exited \(declare.exitCode), expected 3")
        }

        // Credentials as `calsync authorize` leaves them: the sealed refresh token and the cached access
        // token, here obtained from the emulator's control API instead of the consent dance.
        let started = ContinuousClock.now
        try await authorize(
            providers.map { ($0.ref, $0.vendor, $0.email, $0.clientID) }, emulator: emulator, workspace: workspace,
            environment: environment)
        let authorizeSeconds = seconds(ContinuousClock.now - started)

        try await emulator.resetRequests()
        let first = measure(calsync, ["reconcile"], in: workspace.path, environment: environment)
        guard first.exitCode == 0 else {
            throw BenchFailure("the first reconcile of \(label) after authorization exited \(first.exitCode), expected 0")
        }
        let firstRequests = try await vendorRequests(emulator)
        let webhooks = try await liveWebhooks(emulator)

        let settle = measure(calsync, ["reconcile"], in: workspace.path, environment: environment)
        guard settle.exitCode == 0 else {
            throw BenchFailure("the second reconcile of \(label) exited \(settle.exitCode), expected 0")
        }
        var noops: [Measurement] = []
        var noopRequests: [[RequestLogEntry]] = []
        for _ in 0..<3 {
            try await emulator.resetRequests()
            let run = measure(calsync, ["reconcile"], in: workspace.path, environment: environment)
            guard run.exitCode == 0 else {
                throw BenchFailure("a no-op reconcile of \(label) exited \(run.exitCode), expected 0")
            }
            noops.append(run)
            noopRequests.append(try await vendorRequests(emulator))
        }
        return Figures(
            authorizeSeconds: authorizeSeconds, first: first, firstRequests: firstRequests, liveWebhooks: webhooks,
            noops: noops, noopRequests: noopRequests)
    }

    /// `tenants` tenants, each with a Google and a Microsoft app, two accounts of each
    /// vendor with `calendarsPerAccount` calendars, and one provider per calendar.
    static func world(tenants: Int) -> (EmulatorFixture, [Provider]) {
        var apps: [OAuthAppFixture] = []
        var accounts: [AccountFixture] = []
        var providers: [Provider] = []
        let perVendor = providersPerTenant / 2
        for tenant in 0..<tenants {
            for vendor in [CalsyncEmulator.Vendor.google, .microsoft] {
                let short = vendor == .google ? "g" : "m"
                let clientID = "t\(tenant)-\(vendor.rawValue)"
                apps.append(
                    OAuthAppFixture(
                        vendor: vendor, clientId: clientID, clientSecret: vendor == .google ? "g-secret" : "m-secret",
                        redirectUris: [redirectURI]))
                for account in 0..<(perVendor / calendarsPerAccount) {
                    let email = "t\(tenant)-\(short)\(account)@example.com"
                    let calendars = (0..<calendarsPerAccount).map { index in
                        index == 0
                            ? CalendarFixture(name: "Default", isDefault: true)
                            : CalendarFixture(id: "t\(tenant)-\(short)\(account)-c\(index)", name: "Calendar \(index)")
                    }
                    accounts.append(AccountFixture(vendor: vendor, email: email, calendars: calendars))
                    for index in 0..<calendarsPerAccount {
                        let name = "\(short)\(account)-c\(index)"
                        let calendarID =
                            index == 0 ? (vendor == .google ? "primary" : "calendar") : "t\(tenant)-\(short)\(account)-c\(index)"
                        providers.append(
                            Provider(
                                ref: ProviderRef("t\(tenant)/\(name)")!, vendor: vendor, clientID: clientID, email: email,
                                calendarID: calendarID))
                    }
                }
            }
        }
        return (EmulatorFixture(apps: apps, accounts: accounts), providers)
    }

    static func writeManifests(_ providers: [Provider], tenants: Int, in workspace: Workspace) throws {
        for tenant in 0..<tenants {
            var text = """
                apiVersion: calsync/v1
                kind: Tenant
                metadata: { name: t\(tenant) }
                spec:
                  oauthApps:
                    google:
                      clientId: t\(tenant)-google
                      clientSecret: { env: \(googleSecretVariable) }
                      redirectUri: \(redirectURI)
                    microsoft:
                      clientId: t\(tenant)-microsoft
                      clientSecret: { env: \(microsoftSecretVariable) }
                      redirectUri: \(redirectURI)
                      directoryTenant: common

                """
            for provider in providers where provider.ref.tenant.rawValue == "t\(tenant)" {
                text += """
                    ---
                    apiVersion: calsync/v1
                    kind: CalendarProvider
                    metadata: { name: \(provider.ref.provider.rawValue), tenant: t\(tenant) }
                    spec: { vendor: \(provider.vendor.rawValue), calendarId: \(provider.calendarID) }

                    """
            }
            try workspace.write("manifests/t\(tenant).yaml", text)
        }
    }

    /// The account behind a provider, as the emulator's `issueToken` names it.
    typealias Account = (ref: ProviderRef, vendor: CalsyncEmulator.Vendor, email: String, clientID: String)

    /// Stores a sealed refresh token and a cached access token for every provider, as `calsync
    /// authorize` leaves them; both benches prepare their providers with it.
    static func authorize(
        _ providers: [Account], emulator: EmulatorHarness, workspace: Workspace, environment: [String: String]
    ) async throws {
        let keyring = try Keyring.fromEnvironment(environment, random: .system)
        let store = try SQLiteStateStore(path: workspace.path + "/.calsync/state.db", mode: .readWrite)
        let lifetime = TimeInterval(EmulatorConfiguration().accessTokenLifetime)
        for provider in providers {
            let issued = try await emulator.issueToken(vendor: provider.vendor, email: provider.email, clientId: provider.clientID)
            let now = Date()
            try store.storeCredential(provider.ref, try keyring.seal(Secret(issued.refreshToken)), at: now)
            try store.cacheAccessToken(
                provider.ref,
                CachedAccessToken(sealed: try keyring.seal(Secret(issued.accessToken)), expiresAt: now.addingTimeInterval(lifetime)))
        }
    }

    /// The emulator's request log without the control API's own requests.
    static func vendorRequests(_ emulator: EmulatorHarness) async throws -> [RequestLogEntry] {
        try await emulator.requests().entries.filter { !$0.path.hasPrefix("/_control") }
    }

    /// Live Google channels plus live Graph subscriptions.
    static func liveWebhooks(_ emulator: EmulatorHarness) async throws -> Int {
        let channels = try await emulator.channels().filter { $0["live"] == .bool(true) }
        let subscriptions = try await emulator.subscriptions().filter { $0["live"] == .bool(true) }
        return channels.count + subscriptions.count
    }

    /// `N METHOD route` per route, most requested first.
    static func routeSummary(_ entries: [RequestLogEntry]) -> String {
        var counts: [String: Int] = [:]
        for entry in entries { counts["\(entry.method) \(entry.route)", default: 0] += 1 }
        let routes = counts.sorted { ($1.value, $0.key) < ($0.value, $1.key) }.map { "\($0.value) \($0.key)" }
        return routes.isEmpty ? "none" : routes.joined(separator: ", ")
    }

    static func perProvider(_ requests: Int, _ providers: Int) -> String {
        String(format: "%.2f", Double(requests) / Double(max(providers, 1)))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}

/// A scenario that could not run as set up.
struct BenchFailure: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}
