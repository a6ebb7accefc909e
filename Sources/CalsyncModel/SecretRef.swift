/// Where a secret lives: an environment variable or a file. Never the secret itself.
///
/// Manifests hold references only; the value is read when an action needs it.
public enum SecretRef: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The secret is the value of this environment variable.
    case env(String)
    /// The secret is the content of this file, trailing newline removed.
    case file(String)

    public var description: String {
        switch self {
        case .env(let name): return "env:\(name)"
        case .file(let path): return "file:\(path)"
        }
    }
}

/// A secret value in memory; prints as `<redacted>` everywhere.
public struct Secret: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The value; read it only to hand it to the party it is meant for.
    public let exposedValue: String

    public init(_ value: String) { self.exposedValue = value }

    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}
