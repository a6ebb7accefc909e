import Crypto
import Foundation

/// SHA-256 in the encodings OAuth uses.
enum SHA256Digest {
    /// Unpadded base64url of the SHA-256 of `data`.
    static func base64URL(of data: Data) -> String {
        let digest = Data(SHA256.hash(data: data))
        return digest.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
