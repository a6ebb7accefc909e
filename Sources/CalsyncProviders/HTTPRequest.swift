import Foundation

/// One HTTP request as the vendor clients build it.
///
/// Whether a request may be sent twice is decided here, by the caller who knows what the request does:
/// `isSafeToRetry` is true for reads, for writes made conditional with `If-Match`, and for a `POST`
/// that carries an idempotency key (a client-chosen Google event id, a Graph `transactionId`).
public struct HTTPRequest: Sendable, Hashable {
    /// The method, upper case (`GET`, `POST`, …).
    public var method: String
    /// The absolute URL.
    public var url: URL
    /// Header fields; names are matched case-insensitively by `header(_:)`.
    public var headers: [String: String]
    /// The body, if any.
    public var body: Data?
    /// How long the transport waits for this request; the transport's default when nil.
    public var timeout: Duration?
    /// The key that makes a `POST` safe to repeat; the body or URL already carries it, the transport never sends it.
    public var idempotencyKey: String?

    /// Creates a request.
    /// - Parameters:
    ///   - method: The method; upper-cased.
    ///   - url: The absolute URL.
    ///   - headers: Header fields.
    ///   - body: The body.
    ///   - timeout: Per-request timeout; the transport's default when nil.
    ///   - idempotencyKey: Marks a `POST` as safe to repeat.
    public init(
        method: String, url: URL, headers: [String: String] = [:], body: Data? = nil, timeout: Duration? = nil,
        idempotencyKey: String? = nil
    ) {
        self.method = method.uppercased()
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.idempotencyKey = idempotencyKey
    }

    /// Header `name`, matched case-insensitively.
    public func header(_ name: String) -> String? {
        let wanted = name.lowercased()
        return headers.first { $0.key.lowercased() == wanted }?.value
    }

    /// Whether sending this request twice has the effect of sending it once.
    ///
    /// `GET`, `HEAD` and `OPTIONS` always; `PUT`, `PATCH` and `DELETE` only with `If-Match`;
    /// `POST` only with an `idempotencyKey`. Nothing else is ever retried.
    public var isSafeToRetry: Bool {
        switch method {
        case "GET", "HEAD", "OPTIONS": return true
        case "PUT", "PATCH", "DELETE": return header("If-Match") != nil
        case "POST": return idempotencyKey != nil
        default: return false
        }
    }
}

// MARK: - CustomStringConvertible

extension HTTPRequest: CustomStringConvertible, CustomDebugStringConvertible {
    /// Method, host and path only: headers carry bearer tokens, bodies and queries may carry secrets.
    public var description: String {
        "\(method) \(url.scheme ?? "")://\(url.host ?? "")\(url.port.map { ":\($0)" } ?? "")\(url.path)"
    }

    public var debugDescription: String { description }
}
