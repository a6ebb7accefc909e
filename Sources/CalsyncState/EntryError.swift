/// Why an entry operation was refused.
public struct EntryError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of refusal, each with its HTTP status for the API.
    public enum Kind: Sendable, Hashable {
        /// The tenant is not recorded in the state.
        case unknownTenant
        /// No entry with this id.
        case notFound
        /// The entry belongs to another tenant.
        case forbidden
        /// `If-Match` named another version.
        case versionMismatch
        /// The entry is malformed.
        case invalid
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
