import CalsyncModel
import CalsyncSecrets
import CalsyncServer
import CalsyncState
import CalsyncStatus
import CalsyncTesting
import Foundation
import Logging

/// What the seams were asked to do, in order.
actor SeamRecorder {
    var syncs: [SyncRequest] = []
    var renewed: [String] = []
    var replaced: [String] = []
    var reconcilePasses = 0
    var started: [(ProviderRef, String)] = []
    var completed: [(ProviderRef, String, String)] = []
    var syncDelay: Duration = .zero
    var finishedSyncs = 0

    func recordSync(_ request: SyncRequest) { syncs.append(request) }
    func finishSync() { finishedSyncs += 1 }
    func recordRenewal(_ id: String) { renewed.append(id) }
    func recordReplacement(_ id: String) { replaced.append(id) }
    func recordPass() { reconcilePasses += 1 }
    func recordStart(_ ref: ProviderRef, _ state: String) { started.append((ref, state)) }
    func recordCompletion(_ ref: ProviderRef, _ code: String, _ state: String) { completed.append((ref, code, state)) }
    func setSyncDelay(_ delay: Duration) { syncDelay = delay }
}

/// A web OAuth seam that records what it is asked and answers a fixed vendor URL.
struct RecordingAuthorization: WebAuthorization {
    let recorder: SeamRecorder

    func start(_ ref: ProviderRef, state: String) async throws -> URL {
        await recorder.recordStart(ref, state)
        var components = URLComponents(string: "https://accounts.example.test/o/oauth2/v2/auth")!
        components.queryItems = [URLQueryItem(name: "state", value: state)]
        return components.url!
    }

    func complete(_ ref: ProviderRef, code: String, state: String) async throws {
        await recorder.recordCompletion(ref, code, state)
    }
}

/// A real server on 127.0.0.1 over a real SQLite state in a temporary directory: tenants acme and
/// globex (with API tokens) and initech (without), a Google channel and a Graph subscription for acme,
/// and recording seams.
final class ServerFixture: Sendable {
    static let key = Data(repeating: 0x5C, count: 32).base64EncodedString()
    static let acmeToken = "acme-api-token-7f3e9a1c"
    static let globexToken = "globex-api-token-2b8d4e6f"
    static let channelToken = "goog-channel-token-91ac55e0"
    static let clientState = "graph-client-state-3d0f7b22"
    static let stateSecret = "state-signing-secret-with-enough-bytes"
    static let google = ProviderRef("acme/google-main")!
    static let outlook = ProviderRef("acme/outlook")!
    static let globex = ProviderRef("globex/cal")!

    let directory: String
    let store: SQLiteStateStore
    let server: Server
    let recorder: SeamRecorder
    let client = HTTPClient()
    let now: Date

    var baseURL: String { server.baseURL }

    static func keyring() throws -> Keyring {
        try Keyring.fromEnvironment([Keyring.encryptionKeyVariable: key], random: .system)
    }

    /// Starts a server over a fresh state.
    /// - Parameters:
    ///   - stateSecret: The OAuth state signing key; nil turns the web OAuth routes off.
    ///   - authorization: Whether the web OAuth seam is wired.
    ///   - debounce: The notification debounce.
    ///   - seed: Extra state to write before the server starts.
    init(
        stateSecret: String? = ServerFixture.stateSecret, authorization: Bool = true, debounce: Duration = .milliseconds(300),
        maxConcurrentSyncs: Int = 4, seed: (SQLiteStateStore) throws -> Void = { _ in }
    ) async throws {
        directory = NSTemporaryDirectory() + "calsync-server-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        store = try SQLiteStateStore(path: directory + "/state.db", mode: .readWrite)
        now = Date()
        let card = ProviderCardState(
            ready: Condition(status: .false, reason: .authorizationRequired, message: "m", lastTransitionTime: Date(timeIntervalSince1970: 0)),
            pendingActions: [.authorize])
        try store.apply(.recordTenant(TenantSpec(name: TenantName(rawValue: "acme")!, apiToken: .env("ACME_API_TOKEN"))))
        try store.apply(.recordTenant(TenantSpec(name: TenantName(rawValue: "globex")!, apiToken: .env("GLOBEX_API_TOKEN"))))
        try store.apply(.recordTenant(TenantSpec(name: TenantName(rawValue: "initech")!)))
        for (ref, vendor) in [(Self.google, Vendor.google), (Self.outlook, .microsoft), (Self.globex, .google)] {
            let spec = ProviderSpec(ref: ref, vendor: vendor, calendarId: "primary")
            try store.apply(.recordProvider(ProviderState(ref: ref, applied: spec, credential: .valid, lastSync: LastSync(at: now, result: .succeeded)), card: card))
        }
        let ring = try Self.keyring()
        try store.recordWebhook(
            WebhookRecord(
                id: "chan-acme", ref: Self.google, vendor: .google, resourceID: "res-acme", secret: try ring.seal(Secret(Self.channelToken)),
                expiresAt: now.addingTimeInterval(86_400)))
        try store.recordWebhook(
            WebhookRecord(
                id: "chan-expired", ref: Self.google, vendor: .google, secret: try ring.seal(Secret(Self.channelToken)),
                expiresAt: now.addingTimeInterval(-60)))
        try store.recordWebhook(
            WebhookRecord(
                id: "sub-acme", ref: Self.outlook, vendor: .microsoft, secret: try ring.seal(Secret(Self.clientState)),
                expiresAt: now.addingTimeInterval(86_400)))
        try seed(store)

        let recorder = SeamRecorder()
        self.recorder = recorder
        var configuration = ServerConfiguration(listen: ListenAddress(host: "127.0.0.1", port: 0))
        configuration.debounce = debounce
        configuration.maxConcurrentSyncs = maxConcurrentSyncs
        configuration.reconcileInterval = .seconds(3600)
        configuration.stateSigningKey = stateSecret.map(Secret.init)
        configuration.environment = ["ACME_API_TOKEN": Self.acmeToken, "GLOBEX_API_TOKEN": Self.globexToken]
        let seams = ServerSeams(
            sync: { request in
                await recorder.recordSync(request)
                let delay = await recorder.syncDelay
                if delay > .zero { try await Task.sleep(for: delay) }
                await recorder.finishSync()
                return .succeeded
            },
            renewSubscription: { await recorder.recordRenewal($0.id) },
            replaceSubscription: { await recorder.recordReplacement($0.id) },
            renewWebhooks: { 0 },
            reconcile: {
                await recorder.recordPass()
                return .completed(exitCode: 0)
            },
            providerCards: { tenant in
                [ProviderStatus(
                    state: ProviderState(ref: ProviderRef(tenant: tenant, provider: ProviderName(rawValue: "card")!), applied: ProviderSpec(ref: ProviderRef(tenant: tenant, provider: ProviderName(rawValue: "card")!), vendor: .google, calendarId: "primary")),
                    card: card, connection: .pendingAuthorization)]
            },
            authorization: authorization ? RecordingAuthorization(recorder: recorder) : nil)
        var logger = Logger(label: "calsync.serve.test")
        logger.logLevel = .critical
        let fixedNow = now
        server = try await Server.start(
            configuration: configuration, store: store, keyring: ring, seams: seams, logger: logger, now: { fixedNow })
    }

    /// Stops the server and removes the state.
    func stop() async throws {
        try await server.stop()
        client.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
    }

    func send(_ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil) async throws -> HTTPResult {
        try await client.send(method, baseURL + path, headers: headers, body: body)
    }

    func send(_ method: String, _ path: String, headers: [String: String] = [:], json: String) async throws -> HTTPResult {
        var all = headers
        all["Content-Type"] = "application/json"
        return try await send(method, path, headers: all, body: Data(json.utf8))
    }

    /// A Google push message.
    func google(channel: String, token: String?, state: String = "exists", resourceID: String? = "res-acme") async throws -> HTTPResult {
        var headers = ["X-Goog-Channel-ID": channel, "X-Goog-Resource-State": state, "X-Goog-Message-Number": "2"]
        if let token { headers["X-Goog-Channel-Token"] = token }
        if let resourceID { headers["X-Goog-Resource-ID"] = resourceID }
        return try await send("POST", "/webhooks/google", headers: headers)
    }

    /// A Graph notification collection of `items` (`(subscriptionId, clientState, lifecycleEvent)`).
    func graph(_ items: [(String, String?, String?)]) async throws -> HTTPResult {
        let values = items.map { item -> String in
            var fields = ["\"subscriptionId\": \"\(item.0)\"", "\"changeType\": \"updated\"", "\"resource\": \"me/events/AAA\""]
            if let state = item.1 { fields.append("\"clientState\": \"\(state)\"") }
            if let event = item.2 { fields.append("\"lifecycleEvent\": \"\(event)\"") }
            return "{" + fields.joined(separator: ", ") + "}"
        }
        return try await send("POST", "/webhooks/microsoft", json: "{\"value\": [\(values.joined(separator: ", "))]}")
    }

    /// The provider as the state records it.
    func provider(_ ref: ProviderRef) throws -> ProviderState? {
        try store.snapshot().providers.first { $0.ref == ref }
    }

    /// The value of the Prometheus sample `name{labels}` in `/metrics`, or nil.
    func metric(_ sample: String) async throws -> Double? {
        let text = try await send("GET", "/metrics").text
        for line in text.split(separator: "\n") where line.hasPrefix(sample + " ") {
            return Double(line.dropFirst(sample.count + 1))
        }
        return nil
    }

    /// Waits until `condition` holds, up to `timeout`.
    func eventually(timeout: Duration = .seconds(10), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await condition()
    }
}
