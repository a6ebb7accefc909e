import Foundation

/// A request as the handlers see it: method, path, decoded query, headers and the whole body
/// (already checked against the 1 MB limit).
struct ServerRequest: Sendable {
    var method: String
    var path: String
    /// Query parameters in order, percent- and `+`-decoded.
    var query: [(String, String)]
    /// Header fields keyed by lower-case name; repeated fields joined with `, `.
    var headers: [String: String]
    var body: Data

    /// The first query parameter `name`.
    func query(_ name: String) -> String? { query.first { $0.0 == name }?.1 }

    /// Header `name` (any case).
    func header(_ name: String) -> String? { headers[name.lowercased()] }

    /// The bearer token of the `Authorization` header, if it carries one.
    var bearerToken: String? {
        guard let value = header("authorization") else { return nil }
        let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        let token = parts[1].trimmingCharacters(in: .whitespaces)
        return token.isEmpty ? nil : token
    }

    /// Splits a query string into decoded pairs (`application/x-www-form-urlencoded` rules: `+` is a space).
    static func parseQuery(_ text: String?) -> [(String, String)] {
        guard let text, !text.isEmpty else { return [] }
        func decode(_ part: Substring) -> String {
            let spaced = part.replacingOccurrences(of: "+", with: " ")
            return spaced.removingPercentEncoding ?? spaced
        }
        return text.split(separator: "&", omittingEmptySubsequences: true).map { pair in
            let halves = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (decode(halves[0]), halves.count > 1 ? decode(halves[1]) : "")
        }
    }
}
