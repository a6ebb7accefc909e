import CalsyncModel
import Crypto
import Foundation

/// The digest that ties a saved plan to the manifests it was made from.
public enum ManifestDigest {
    /// Lowercase hex SHA-256 of the desired state's canonical JSON.
    ///
    /// The canonical JSON is `JSONEncoder` output with sorted keys and no whitespace; the desired state
    /// is already normalized (defaults applied, everything sorted by name).
    ///
    /// - Parameter desired: The normalized manifests.
    /// - Returns: 64 lowercase hex digits.
    public static func digest(of desired: DesiredState) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // DesiredState holds only strings, integers, booleans and enums, so encoding cannot fail.
        let data = (try? encoder.encode(desired)) ?? Data()
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}
