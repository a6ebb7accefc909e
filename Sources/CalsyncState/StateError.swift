import Foundation

/// What can go wrong with the state database or its lock.
public struct StateError: Error, Sendable, CustomStringConvertible {
    /// The kinds of state error.
    public enum Kind: Sendable, Hashable {
        /// Another run holds the lock (exit code 4, retryable).
        case lockHeld
        /// A read-only command found no state database.
        case missing
        /// The database was written by an older calsync; `calsync state migrate` updates it.
        case needsMigration
        /// The database was written by a newer calsync.
        case tooNew
        /// SQLite or the file system failed.
        case io
        /// `state unlock --force ID` named a lock that is not the current one.
        case lockMismatch
        /// A write named a provider the state does not record.
        case unknownProvider
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }

    /// Whether running again later may succeed.
    public var isRetryable: Bool { kind == .lockHeld }
}
