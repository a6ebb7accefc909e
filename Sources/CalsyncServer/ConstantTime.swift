import CalsyncModel
import Crypto
import Foundation

/// Comparisons of secrets whose time does not depend on where the inputs first differ, nor on
/// their lengths: both sides are hashed with SHA-256 first, and the digests compared byte by byte
/// without an early exit.
enum ConstantTime {
    /// Whether `presented` equals the secret `expected`.
    static func equals(_ presented: String, _ expected: Secret) -> Bool {
        equals(Data(presented.utf8), Data(expected.exposedValue.utf8))
    }

    /// Whether two byte strings are equal.
    static func equals(_ lhs: some DataProtocol, _ rhs: some DataProtocol) -> Bool {
        let left = Array(SHA256.hash(data: Data(lhs)))
        let right = Array(SHA256.hash(data: Data(rhs)))
        var difference: UInt8 = 0
        for index in 0..<left.count { difference |= left[index] ^ right[index] }
        return difference == 0
    }
}
