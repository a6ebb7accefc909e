import Foundation

/// A secret sealed with AES-256-GCM, as the state stores it: the id of the key that sealed it and
/// the sealed bytes.
///
/// The bytes are the 12-byte nonce, the ciphertext and the 16-byte tag, in that order (CryptoKit's
/// "combined" form). Only a keyring holding the key named by `keyID` can open it; the value prints
/// its key id and length, never its bytes.
public struct SealedToken: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The key the token was sealed with.
    public var keyID: KeyID
    /// Nonce, ciphertext and tag.
    public var combined: Data

    public init(keyID: KeyID, combined: Data) {
        self.keyID = keyID
        self.combined = combined
    }

    public var description: String { "sealed(key \(keyID), \(combined.count) bytes)" }
    public var debugDescription: String { description }
}
