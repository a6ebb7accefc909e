import CalsyncModel
import CalsyncSecrets
import CalsyncState
import Foundation

/// Checks a notification's channel or subscription id and secret against the state: the id must
/// name a live channel (recorded, of the right vendor, not expired) and the secret must equal its
/// unsealed token or `clientState`, compared in constant time.
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

    /// Verifies `id` and `secret` for `vendor`; `resourceID` is Google's `X-Goog-Resource-ID`, checked
    /// when both it and the recorded one are known.
    func verify(vendor: Vendor, id: String, secret: String?, resourceID: String? = nil) -> Verdict {
        let record: WebhookRecord?
        do {
            record = try store.webhook(id: id)
        } catch {
            return .unavailable("the state cannot be read: \(error)")
        }
        guard let record, record.vendor == vendor, record.expiresAt > now() else { return .unknown }
        guard let keyring else {
            return .unavailable(
                "\(Keyring.encryptionKeyVariable) is not set, so webhook secrets cannot be opened. Set it and restart serve.")
        }
        let expected: Secret
        do throws(KeyringError) {
            expected = try keyring.open(record.secret)
        } catch {
            return .unavailable(error.message)
        }
        // Compare even when no secret was sent, so both paths take the same time.
        let matches = ConstantTime.equals(secret ?? "", expected) && secret != nil
        guard matches else { return .forged }
        if let resourceID, let recorded = record.resourceID, resourceID != recorded { return .forged }
        return .accepted(record)
    }
}
