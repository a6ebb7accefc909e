import CalsyncModel
import Crypto
import Foundation

/// The `X-Calsync-Signature` header of a `webhook` channel with a `secret`: `sha256=HEX`, the
/// lower-case hex HMAC-SHA256 of the exact body bytes under the secret's UTF-8 bytes.
public enum NotificationSignature {
    /// The header's name.
    public static let header = "X-Calsync-Signature"

    /// The header's value for `body` signed with `secret`.
    public static func value(body: Data, secret: Secret) -> String {
        let key = SymmetricKey(data: Data(secret.exposedValue.utf8))
        let mac = HMAC<SHA256>.authenticationCode(for: body, using: key)
        return "sha256=" + mac.map { String(format: "%02x", $0) }.joined()
    }
}
