import CalsyncModel
import Crypto
import Foundation

/// The keys that seal and open OAuth tokens: one current key, which seals, and any number of
/// decryption keys, which only open records sealed before a rotation.
///
/// Built at the composition root from `CALENDAR_OAUTH_ENCRYPTION_KEY` and
/// `CALENDAR_OAUTH_DECRYPTION_KEYS` (SPEC section 4) and handed to whoever seals or opens tokens;
/// nothing below the command line reads the environment.
public struct Keyring: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The variable holding the current key: 32 bytes, base64.
    public static let encryptionKeyVariable = "CALENDAR_OAUTH_ENCRYPTION_KEY"
    /// The variable holding old keys that can still open records: comma-separated base64.
    public static let decryptionKeysVariable = "CALENDAR_OAUTH_DECRYPTION_KEYS"
    /// The AES-GCM nonce length.
    static let nonceByteCount = 12

    /// The key that seals.
    public let current: EncryptionKey
    /// Keys that only open, without the current key and without repeats.
    public let decryption: [EncryptionKey]
    private let random: RandomBytes

    /// A keyring of `current` and `decryption`; nonces come from `random`.
    public init(current: EncryptionKey, decryption: [EncryptionKey] = [], random: RandomBytes) {
        self.current = current
        var seen: Set<KeyID> = [current.id]
        self.decryption = decryption.filter { seen.insert($0.id).inserted }
        self.random = random
    }

    /// Reads the keyring from environment values.
    ///
    /// - Parameters:
    ///   - environment: The process environment.
    ///   - extraDecryptionVariables: Variables each holding one more old key (`keys rotate --old-key-env`).
    ///   - random: Where nonces come from.
    /// - Throws: `KeyringError` naming the variable (and the entry of the list) that is missing or malformed.
    public static func fromEnvironment(
        _ environment: [String: String], extraDecryptionVariables: [String] = [], random: RandomBytes
    ) throws(KeyringError) -> Keyring {
        let current = try currentKey(fromEnvironment: environment)
        var decryption = try decryptionKeys(fromEnvironment: environment)
        for variable in extraDecryptionVariables {
            let text = environment[variable] ?? ""
            guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw KeyringError(
                    .missingKey, variable: variable,
                    "\(variable) is not set. It must hold the old token encryption key: 32 bytes in base64.")
            }
            decryption.append(try EncryptionKey(base64: text, variable: variable))
        }
        return Keyring(current: current, decryption: decryption, random: random)
    }

    /// Reads the current key from `CALENDAR_OAUTH_ENCRYPTION_KEY`.
    ///
    /// - Parameter environment: The process environment.
    /// - Returns: The key that seals.
    /// - Throws: `KeyringError` (`.missingKey`, `.notBase64`, `.wrongLength`) naming the variable.
    public static func currentKey(fromEnvironment environment: [String: String]) throws(KeyringError) -> EncryptionKey {
        let currentText = environment[encryptionKeyVariable] ?? ""
        guard !currentText.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw KeyringError(
                .missingKey, variable: encryptionKeyVariable,
                "\(encryptionKeyVariable) is not set. Set it to 32 random bytes in base64 (`openssl rand -base64 32`); tokens are sealed with it."
            )
        }
        return try EncryptionKey(base64: currentText, variable: encryptionKeyVariable)
    }

    /// Reads the old keys listed in `CALENDAR_OAUTH_DECRYPTION_KEYS`; empty entries are skipped.
    ///
    /// - Parameter environment: The process environment.
    /// - Returns: The keys in the order listed; none when the variable is unset.
    /// - Throws: `KeyringError` (`.notBase64`, `.wrongLength`) naming the variable and the entry.
    public static func decryptionKeys(fromEnvironment environment: [String: String]) throws(KeyringError) -> [EncryptionKey] {
        var keys: [EncryptionKey] = []
        let entries = (environment[decryptionKeysVariable] ?? "").split(separator: ",", omittingEmptySubsequences: false)
        for (index, entry) in entries.enumerated() {
            let text = entry.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !text.isEmpty else { continue }
            keys.append(try EncryptionKey(base64: text, variable: decryptionKeysVariable, entry: index + 1))
        }
        return keys
    }

    /// Every key the ring can open with, the current one first.
    public var keys: [EncryptionKey] { [current] + decryption }

    /// Seals `secret` under the current key with a fresh random nonce.
    ///
    /// - Throws: `KeyringError.cannotSeal` only when the nonce source misbehaves.
    public func seal(_ secret: Secret) throws(KeyringError) -> SealedToken {
        let nonceBytes = random(Self.nonceByteCount)
        do {
            let nonce = try AES.GCM.Nonce(data: nonceBytes)
            let box = try AES.GCM.seal(Data(secret.exposedValue.utf8), using: current.key, nonce: nonce)
            guard let combined = box.combined else { throw KeyringError(.cannotSeal, keyID: current.id, "") }
            return SealedToken(keyID: current.id, combined: combined)
        } catch {
            throw KeyringError(
                .cannotSeal, keyID: current.id,
                "cannot seal a token under key \(current.id): the nonce source gave \(nonceBytes.count) bytes instead of \(Self.nonceByteCount)."
            )
        }
    }

    /// Opens `sealed` with the key it names.
    ///
    /// - Throws: `KeyringError.unknownKey` naming the record's key id and the variables to set when
    ///   the ring lacks that key; `.cannotOpen` when the bytes fail authentication.
    public func open(_ sealed: SealedToken) throws(KeyringError) -> Secret {
        guard let key = keys.first(where: { $0.id == sealed.keyID }) else {
            throw KeyringError(
                .unknownKey, variable: Self.decryptionKeysVariable, keyID: sealed.keyID,
                "a token was sealed with key \(sealed.keyID), which is not at hand (\(holdings)). Add the key whose id is \(sealed.keyID) to \(Self.decryptionKeysVariable), or make it \(Self.encryptionKeyVariable)."
            )
        }
        let failure = KeyringError(
            .cannotOpen, keyID: sealed.keyID,
            "a token sealed with key \(sealed.keyID) failed authentication: its stored bytes were altered or are corrupt. Authorize the provider again."
        )
        let plaintext: Data
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.combined)
            plaintext = try AES.GCM.open(box, using: key.key)
        } catch {
            throw failure
        }
        guard let text = String(data: plaintext, encoding: .utf8) else { throw failure }
        return Secret(text)
    }

    /// `sealed` sealed under the current key: itself when it already is, else opened and sealed again.
    ///
    /// - Throws: `KeyringError` as `open(_:)` and `seal(_:)` do.
    public func resealed(_ sealed: SealedToken) throws(KeyringError) -> SealedToken {
        guard sealed.keyID != current.id else { return sealed }
        return try seal(try open(sealed))
    }

    /// The key ids and where they came from; never the keys.
    public var description: String { "keyring(\(holdings))" }
    public var debugDescription: String { description }

    /// The key ids at hand and where they came from, for messages.
    private var holdings: String {
        let current = "current key \(current.id) from \(current.source)"
        guard !decryption.isEmpty else { return current + "; no decryption keys" }
        return current + "; decryption keys " + decryption.map { "\($0.id) from \($0.source)" }.joined(separator: ", ")
    }
}
