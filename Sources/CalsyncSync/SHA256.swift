import Crypto
import Foundation

/// SHA-256 from swift-crypto, for content hashes and derived ids, which must be the same in every
/// process and on every machine (Swift's `Hasher` is seeded per process).
enum Digests {
    /// The 32-byte digest of `text`'s UTF-8.
    static func sha256(_ text: String) -> [UInt8] {
        Array(SHA256.hash(data: Data(text.utf8)))
    }

    /// The digest of `text`'s UTF-8 as 64 lower-case hex digits.
    static func hex(_ text: String) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in SHA256.hash(data: Data(text.utf8)) {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
