import CalsyncModel
import CalsyncNotify
import CalsyncProviders
import CalsyncState
import CalsyncTesting
import Crypto
import Foundation

/// A state file and a status directory in a temporary directory, with the notifier to run over them.
struct NotifyWorld {
    let directory = NSTemporaryDirectory() + "calsync-notify-" + UUID().uuidString
    let store: SQLiteStateStore
    var environment: [String: String] = [:]

    static let acme = TenantName(rawValue: "acme")!
    static let globex = TenantName(rawValue: "globex")!
    static let ref = ProviderRef("acme/google-main")!
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)

    init() throws {
        store = try SQLiteStateStore(path: directory + "/state.db", mode: .readWrite)
        try store.apply(.recordTenant(TenantSpec(name: Self.acme)))
        try store.apply(.recordTenant(TenantSpec(name: Self.globex)))
    }

    var statusDirectory: String { directory + "/status" }
    var journal: String { (try? String(contentsOfFile: statusDirectory + "/events.jsonl", encoding: .utf8)) ?? "" }

    func record(_ channel: ChannelSpec) throws { try store.apply(.recordChannel(channel)) }

    /// Queues an event the way other writers do.
    func enqueue(
        _ type: NotificationEventType, tenant: TenantName = acme, provider: String? = "google-main", message: String,
        key: String
    ) throws {
        try store.enqueue(
            NotificationEvent(
                type: type, tenant: tenant, provider: provider.flatMap { ProviderName(rawValue: $0) }, at: Self.t0,
                message: message, dedupeKey: key))
    }

    /// One notifier pass at `now`.
    func notify(at now: Date = t0, configuration: Notifier.Configuration = Notifier.Configuration()) async
        -> NotificationReport
    {
        await Notifier(
            store: store, statusDirectory: statusDirectory, environment: environment,
            transport: URLSessionTransport(defaultTimeout: .seconds(5)),
            random: GeneratorRandomSource(SeededRandom(seed: 7)),
            clock: ContinuousClock(), now: now, configuration: configuration
        ).run()
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// `sha256=HEX` of `body` under `secret`, computed here rather than by the code under test.
func expectedSignature(_ body: Data, secret: String) -> String {
    let mac = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
    return "sha256=" + Data(mac).map { String(format: "%02x", $0) }.joined()
}

/// The JSON object in `text`.
func jsonObject(_ text: String) -> [String: Any]? {
    (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
}
