import CalsyncModel

/// What can go wrong reading the token keys or opening a sealed record.
///
/// Messages name the environment variable (and the entry of a list) at fault and say what is
/// wrong with it; they never contain a key or a token.
public struct KeyringError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of keyring error.
    public enum Kind: Sendable, Hashable {
        /// A variable that must hold a key is unset or empty.
        case missingKey
        /// A key is not valid base64.
        case notBase64
        /// A key does not decode to 32 bytes.
        case wrongLength
        /// A record was sealed with a key the keyring does not hold.
        case unknownKey
        /// A record failed authentication: its bytes were altered, truncated, or are not a sealed token.
        case cannotOpen
        /// Sealing failed (the nonce source gave the wrong number of bytes).
        case cannotSeal
    }

    /// What went wrong.
    public var kind: Kind
    /// The environment variable at fault, when one is.
    public var variable: String?
    /// The key involved, when one is.
    public var keyID: KeyID?
    /// What is wrong and what to do, naming the variable or key id, never a key or token.
    public var message: String

    public init(_ kind: Kind, variable: String? = nil, keyID: KeyID? = nil, _ message: String) {
        self.kind = kind
        self.variable = variable
        self.keyID = keyID
        self.message = message
    }

    public var description: String { message }
}
