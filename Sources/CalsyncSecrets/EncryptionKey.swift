import CalsyncModel
import Crypto
import Foundation

/// One AES-256 key with its id and where it came from; prints as its id, never its bytes.
public struct EncryptionKey: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The number of bytes in a key.
    public static let byteCount = 32

    /// The first 8 bytes of the key's SHA-256, hex.
    public let id: KeyID
    /// Where the key came from, for messages: a variable name, or `entry N of VARIABLE`.
    public let source: String
    private let storage: KeyStorage

    /// The key itself, for sealing and opening.
    var key: SymmetricKey { storage.key }

    /// A key from its raw bytes.
    ///
    /// - Throws: `KeyringError.wrongLength` naming `source` unless there are exactly 32 bytes.
    public init(bytes: [UInt8], source: String, variable: String? = nil) throws(KeyringError) {
        guard bytes.count == Self.byteCount else {
            throw KeyringError(
                .wrongLength, variable: variable ?? source,
                "\(source) decodes to \(bytes.count) bytes; a token encryption key is exactly 32 bytes. Generate one with `openssl rand -base64 32`."
            )
        }
        storage = KeyStorage(key: SymmetricKey(data: bytes))
        id = KeyID(digestPrefix: SHA256.hash(data: bytes))
        self.source = source
    }

    /// A key from its base64 text, surrounding whitespace ignored.
    ///
    /// - Parameters:
    ///   - text: The base64 text; never echoed in an error.
    ///   - variable: The environment variable it came from.
    ///   - entry: Its 1-based position when the variable holds a comma-separated list.
    /// - Throws: `KeyringError` (`.notBase64`, `.wrongLength`) naming the variable and entry.
    public init(base64 text: String, variable: String, entry: Int? = nil) throws(KeyringError) {
        let source = entry.map { "entry \($0) of \(variable)" } ?? variable
        guard let data = Data(base64Encoded: text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw KeyringError(
                .notBase64, variable: variable,
                "\(source) is not valid base64. It must hold 32 bytes in base64 (44 characters), such as the output of `openssl rand -base64 32`."
            )
        }
        try self.init(bytes: Array(data), source: source, variable: variable)
    }

    public var description: String { "key \(id) (\(source))" }
    public var debugDescription: String { description }
}

/// Holds a `SymmetricKey` across concurrency domains.
///
/// `SymmetricKey` is not marked `Sendable` in swift-crypto, but it is an immutable value: its bytes
/// are set once at creation and only read afterwards, so sharing it is safe.
private final class KeyStorage: @unchecked Sendable {
    let key: SymmetricKey

    init(key: SymmetricKey) { self.key = key }
}
