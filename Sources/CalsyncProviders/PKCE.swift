import CalsyncModel
import Crypto
import Foundation

/// A PKCE pair (RFC 7636): a secret verifier and its S256 challenge.
public struct PKCE: Sendable {
    /// The code verifier: 43 base64url characters from 32 random bytes, sent only to the token endpoint.
    public let verifier: Secret
    /// `BASE64URL(SHA256(verifier))`, sent on the authorization URL.
    public let challenge: String
    /// Always `S256`.
    public var method: String { "S256" }

    /// Creates a pair around an existing verifier (for example one read back from a pending authorization).
    public init(verifier: Secret) {
        self.verifier = verifier
        self.challenge = Self.challenge(for: verifier)
    }

    /// Draws a new verifier from `random`.
    /// - Parameter random: The injected random source.
    /// - Returns: A verifier and its challenge.
    public static func generate(using random: any RandomSource) -> PKCE {
        PKCE(verifier: Secret(base64URL(random.bytes(count: 32))))
    }

    /// The S256 challenge of `verifier`.
    public static func challenge(for verifier: Secret) -> String {
        base64URL(Array(SHA256.hash(data: Data(verifier.exposedValue.utf8))))
    }

    /// Base64url without padding (RFC 4648 section 5).
    static func base64URL(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
