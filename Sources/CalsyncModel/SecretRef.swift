import Foundation

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

/// A secret reference that cannot be resolved; the message names the variable or file and the fix.
public struct SecretResolutionError: Error, Sendable, Hashable, CustomStringConvertible {
    public var reference: SecretRef
    public var message: String

    public var description: String { message }
}

extension SecretRef {
    /// Reads the secret: the variable's value, or the file's content without its trailing newline.
    ///
    /// - Parameters:
    ///   - environment: The process environment.
    ///   - purpose: What the secret is for, for the error (`the Google client secret of tenant acme`).
    /// - Throws: `SecretResolutionError` for an unset or empty variable, or an unreadable or empty file.
    public func resolve(environment: [String: String], purpose: String) throws(SecretResolutionError) -> Secret {
        switch self {
        case .env(let name):
            guard let value = environment[name], !value.isEmpty else {
                throw SecretResolutionError(
                    reference: self, message: "\(purpose) is read from the environment variable \(name), which is not set. Set \(name).")
            }
            return Secret(value)
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                throw SecretResolutionError(
                    reference: self, message: "\(purpose) is read from the file \"\(path)\", which cannot be read. Create it or fix the path.")
            }
            var text = String(decoding: data, as: UTF8.self)
            while text.hasSuffix("\n") || text.hasSuffix("\r") { text.removeLast() }
            guard !text.isEmpty else {
                throw SecretResolutionError(reference: self, message: "\(purpose) is read from the file \"\(path)\", which is empty. Put the secret in it.")
            }
            return Secret(text)
        }
    }
}
