/// A request that got no HTTP response: the connection failed, dropped or timed out.
///
/// A struct over a private enum so that new kinds can be added without breaking callers.
public struct TransportError: Error, Sendable, Hashable, CustomStringConvertible {
    private enum Kind: Sendable, Hashable {
        case connectionLost
        case cannotConnect
        case timedOut
        case invalidResponse
        case other
    }

    private let kind: Kind
    /// What the HTTP stack said, for people; never contains request headers or bodies.
    public let detail: String

    private init(_ kind: Kind, detail: String) {
        self.kind = kind
        self.detail = detail
    }

    /// The connection closed before a whole response arrived.
    public static func connectionLost(_ detail: String) -> TransportError {
        TransportError(.connectionLost, detail: detail)
    }
    /// No connection could be made.
    public static func cannotConnect(_ detail: String) -> TransportError {
        TransportError(.cannotConnect, detail: detail)
    }
    /// The per-request timeout passed.
    public static func timedOut(_ detail: String) -> TransportError { TransportError(.timedOut, detail: detail) }
    /// Something arrived that was not an HTTP response.
    public static func invalidResponse(_ detail: String) -> TransportError {
        TransportError(.invalidResponse, detail: detail)
    }
    /// Any other failure below HTTP.
    public static func other(_ detail: String) -> TransportError { TransportError(.other, detail: detail) }

    /// Whether the connection dropped before a response arrived.
    public var isConnectionLost: Bool { kind == .connectionLost }
    /// Whether the request timed out.
    public var isTimeout: Bool { kind == .timedOut }

    /// Whether trying again may succeed: dropped connections, refused connections and timeouts.
    ///
    /// Only requests that are safe to repeat are ever retried (`HTTPRequest.isSafeToRetry`).
    public var isRetryable: Bool {
        switch kind {
        case .connectionLost, .cannotConnect, .timedOut: return true
        case .invalidResponse, .other: return false
        }
    }

    public var description: String {
        switch kind {
        case .connectionLost: return "connection lost: \(detail)"
        case .cannotConnect: return "cannot connect: \(detail)"
        case .timedOut: return "timed out: \(detail)"
        case .invalidResponse: return "invalid response: \(detail)"
        case .other: return "transport failure: \(detail)"
        }
    }
}
