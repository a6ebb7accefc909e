/// A calendar client call refused before it reached the vendor, or a vendor answer it cannot read.
///
/// A struct over a private enum so that new kinds can be added without breaking callers. The message
/// says what was wrong, why, and what to do; it never holds a token or a secret.
public struct CalendarClientError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Sendable, Hashable {
        case invalidArgument
        case unsupported
        case malformedResponse
    }

    private let kind: Kind
    /// What went wrong, why, and how to fix it.
    public let message: String

    private init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// An argument the vendor would refuse (an event id outside Google's alphabet, a channel without its resource id).
    public static func invalidArgument(_ message: String) -> CalendarClientError {
        CalendarClientError(.invalidArgument, message)
    }

    /// The operation does not exist at this vendor (Google has no channel renewal).
    public static func unsupported(_ message: String) -> CalendarClientError {
        CalendarClientError(.unsupported, message)
    }

    /// A 2xx answer whose body is not what the API documents, or a link to another host.
    public static func malformedResponse(_ message: String) -> CalendarClientError {
        CalendarClientError(.malformedResponse, message)
    }

    /// Whether the caller passed something the vendor would refuse.
    public var isInvalidArgument: Bool { kind == .invalidArgument }
    /// Whether the operation does not exist at this vendor.
    public var isUnsupported: Bool { kind == .unsupported }
    /// Whether the vendor's answer could not be read.
    public var isMalformedResponse: Bool { kind == .malformedResponse }

    /// Whether trying again may succeed; none of these.
    public var isRetryable: Bool { false }

    public var description: String { message }
}
