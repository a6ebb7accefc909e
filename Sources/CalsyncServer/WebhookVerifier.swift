import CalsyncModel
import CalsyncSecrets
import CalsyncState
import Foundation

/// Checks a notification's channel or subscription id and secret against the state: the id must
/// name a live channel (recorded, of the right vendor, not expired) and the secret must equal its
/// unsealed token or `clientState`, compared in constant time.
///
/// A channel read from the state and opened is kept in memory for `cacheLifetime` (1 s by default),
/// so a burst of notifications costs one database read and one decryption per channel per second;
/// a channel removed from the state is refused at most that long after.
struct WebhookVerifier: Sendable {
    /// What verification found.
    enum Verdict: Sendable {
        /// The id and secret match this live channel or subscription.
        case accepted(WebhookRecord)
        /// No live channel or subscription of this vendor has the id (401).
        case unknown
        /// The id is live but the secret (or Google resource id) does not match (403).
        case forged
        /// The server cannot check: no keyring, or the sealed secret cannot be opened (503).
        case unavailable(String)
    }

    let store: SQLiteStateStore
    let keyring: Keyring?
    let now: @Sendable () -> Date
    var cacheLifetime: Duration = .seconds(1)
    private let cache = OpenedChannels()

    init(store: SQLiteStateStore, keyring: Keyring?, now: @escaping @Sendable () -> Date) {
        self.store = store
        self.keyring = keyring
        self.now = now
    }

    /// Verifies `id` and `secret` for `vendor`; `resourceID` is Google's `X-Goog-Resource-ID`, checked
    /// when both it and the recorded one are known.
    func verify(vendor: Vendor, id: String, secret: String?, resourceID: String? = nil) -> Verdict {
        let (record, expected): (WebhookRecord, Secret)
        if let cached = cache.channel(id, maxAge: cacheLifetime) {
            (record, expected) = cached
        } else {
            switch load(id) {
            case .success(let loaded):
                guard let loaded else { return .unknown }
                (record, expected) = loaded
                cache.store(id, loaded)
            case .failure(let refusal):
                return refusal.verdict
            }
        }
        guard record.vendor == vendor, record.expiresAt > now() else { return .unknown }
        // Compare even when no secret was sent, so both paths take the same time.
        let matches = ConstantTime.equals(secret ?? "", expected) && secret != nil
        guard matches else { return .forged }
        if let resourceID, let recorded = record.resourceID, resourceID != recorded { return .forged }
        return .accepted(record)
    }

    /// A verdict that ends verification early.
    private struct Refusal: Error {
        let verdict: Verdict
    }

    /// The channel `id` from the state with its secret opened; nil when the state has none.
    private func load(_ id: String) -> Result<(WebhookRecord, Secret)?, Refusal> {
        let record: WebhookRecord?
        do {
            record = try store.webhook(id: id)
        } catch {
            return .failure(Refusal(verdict: .unavailable("the state cannot be read: \(error)")))
        }
        guard let record else { return .success(nil) }
        guard let keyring else {
            return .failure(Refusal(verdict: .unavailable(
                "\(Keyring.encryptionKeyVariable) is not set, so webhook secrets cannot be opened. Set it and restart serve.")))
        }
        do throws(KeyringError) {
            return .success((record, try keyring.open(record.secret)))
        } catch {
            return .failure(Refusal(verdict: .unavailable(error.message)))
        }
    }
}

/// Channels recently read and opened, by id.
private final class OpenedChannels: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var channels: [String: (record: WebhookRecord, secret: Secret, loadedAt: ContinuousClock.Instant)] = [:]

    func channel(_ id: String, maxAge: Duration) -> (WebhookRecord, Secret)? {
        lock.withLock {
            guard let entry = channels[id], ContinuousClock.now - entry.loadedAt < maxAge else { return nil }
            return (entry.record, entry.secret)
        }
    }

    func store(_ id: String, _ channel: (WebhookRecord, Secret)) {
        lock.withLock {
            if channels.count > 10_000 { channels.removeAll() }
            channels[id] = (channel.0, channel.1, .now)
        }
    }
}
