import Foundation

/// One HTTP response as a transport returns it, whatever its status.
public struct HTTPResponse: Sendable, Hashable {
    /// The status code.
    public var status: Int
    /// Header fields keyed by lower-case name.
    public var headers: [String: String]
    /// The body.
    public var body: Data

    /// Creates a response; header names are lower-cased.
    public init(status: Int, headers: [String: String] = [:], body: Data = Data()) {
        self.status = status
        self.headers = Dictionary(
            headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        self.body = body
    }

    /// Header `name`, matched case-insensitively.
    public func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// Whether the status is 2xx.
    public var isSuccess: Bool { (200..<300).contains(status) }
}

// MARK: - CustomStringConvertible

extension HTTPResponse: CustomStringConvertible, CustomDebugStringConvertible {
    /// Status and body size only: a token endpoint's body holds tokens.
    public var description: String { "HTTP \(status), \(body.count) bytes" }

    public var debugDescription: String { description }
}
