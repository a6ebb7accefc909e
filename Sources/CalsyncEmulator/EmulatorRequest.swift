import Foundation

/// An HTTP request as the emulator's handlers see it, independent of the server library,
/// so `$batch` sub-requests run through the same handlers as real ones.
public struct EmulatorRequest: Sendable {
    /// The upper-case HTTP method.
    public var method: String
    /// The path without the query, percent-decoded per segment by ``pathSegments``.
    public var path: String
    /// Query items in order; a name may repeat.
    public var query: [(name: String, value: String)]
    /// Header fields keyed by lower-case name.
    public var headers: [String: String]
    /// The raw body.
    public var body: Data

    /// Creates a request.
    public init(
        method: String, path: String, query: [(name: String, value: String)] = [], headers: [String: String] = [:],
        body: Data = Data()
    ) {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { _, last in last })
        self.body = body
    }

    /// Builds a request from a path that may carry a query string (`/a/b?x=1&y=2`).
    public init(method: String, target: String, headers: [String: String] = [:], body: Data = Data()) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        let path = parts.first.map(String.init) ?? "/"
        let query = parts.count > 1 ? Self.parseQuery(String(parts[1])) : []
        self.init(method: method, path: path, query: query, headers: headers, body: body)
    }

    /// The non-empty, percent-decoded path segments.
    public var pathSegments: [String] {
        path.split(separator: "/").map { $0.removingPercentEncoding ?? String($0) }
    }

    /// The first value of query item `name`.
    public func queryValue(_ name: String) -> String? {
        query.first { $0.name == name }?.value
    }

    /// Every value of query item `name`, in order.
    public func queryValues(_ name: String) -> [String] {
        query.filter { $0.name == name }.map(\.value)
    }

    /// The value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers[name.lowercased()]
    }

    /// The body parsed as JSON.
    public var jsonBody: JSONValue? {
        JSONValue.parse(body)
    }

    /// The body parsed as `application/x-www-form-urlencoded`.
    public var formBody: [String: String] {
        let text = String(decoding: body, as: UTF8.self)
        return Dictionary(Self.parseQuery(text).map { ($0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    /// Splits and decodes a query or form string (`+` is a space).
    public static func parseQuery(_ text: String) -> [(name: String, value: String)] {
        text.split(separator: "&").compactMap { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let rawName = parts.first, !rawName.isEmpty else { return nil }
            let decode: (Substring) -> String = {
                let spaced = $0.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decode(rawName), parts.count > 1 ? decode(parts[1]) : "")
        }
    }
}

/// An HTTP response produced by a handler.
public struct EmulatorResponse: Sendable {
    /// The status code.
    public var status: Int
    /// Header fields in order.
    public var headers: [(name: String, value: String)]
    /// The body.
    public var body: Data

    /// Creates a response.
    public init(status: Int, headers: [(name: String, value: String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response.
    public static func json(_ status: Int, _ value: JSONValue, headers: [(name: String, value: String)] = []) -> Self {
        EmulatorResponse(
            status: status, headers: [("Content-Type", "application/json; charset=UTF-8")] + headers,
            body: value.serialized())
    }

    /// A response with no body.
    public static func empty(_ status: Int, headers: [(name: String, value: String)] = []) -> Self {
        EmulatorResponse(status: status, headers: headers)
    }

    /// A plain-text response.
    public static func text(_ status: Int, _ text: String) -> Self {
        EmulatorResponse(status: status, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Data(text.utf8))
    }

    /// A 302 redirect.
    public static func redirect(to location: String) -> Self {
        EmulatorResponse(status: 302, headers: [("Location", location)])
    }

    /// The value of header `name` (case-insensitive).
    public func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// The body parsed as JSON.
    public var jsonBody: JSONValue? {
        JSONValue.parse(body)
    }
}

/// Builds query strings with strict percent-encoding.
enum QueryString {
    /// Characters left unencoded in a query value.
    static let allowed: CharacterSet = {
        var set = CharacterSet.alphanumerics
        set.insert(charactersIn: "-._~")
        return set
    }()

    /// Percent-encodes one query component.
    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// Joins items into `a=1&b=2`.
    static func make(_ items: [(String, String)]) -> String {
        items.map { "\(encode($0.0))=\(encode($0.1))" }.joined(separator: "&")
    }
}
