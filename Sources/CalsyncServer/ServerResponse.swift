import CalsyncModel
import Foundation

/// A response before it is handed to Hummingbird: status, headers and body bytes.
struct ServerResponse: Sendable {
    var status: Int
    var headers: [(String, String)]
    var body: Data

    init(status: Int, headers: [(String, String)] = [], body: Data = Data()) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON document.
    static func json(_ status: Int, _ value: JSONValue, headers: [(String, String)] = []) -> ServerResponse {
        ServerResponse(
            status: status, headers: [("Content-Type", "application/json; charset=utf-8")] + headers,
            body: Data((value.rendered() + "\n").utf8))
    }

    /// JSON already rendered (a view shared with the CLI).
    static func json(_ status: Int, rendered text: String) -> ServerResponse {
        ServerResponse(status: status, headers: [("Content-Type", "application/json; charset=utf-8")], body: Data(text.utf8))
    }

    /// Plain text.
    static func text(_ status: Int, _ text: String, headers: [(String, String)] = []) -> ServerResponse {
        ServerResponse(
            status: status, headers: [("Content-Type", "text/plain; charset=utf-8")] + headers, body: Data(text.utf8))
    }

    /// No body.
    static func empty(_ status: Int, headers: [(String, String)] = []) -> ServerResponse {
        ServerResponse(status: status, headers: headers)
    }
}

/// A refusal the client is told about: `{"error": CODE, "message": ...}` with an HTTP status.
///
/// The message says what was wrong and how to fix it; it never holds a secret, a stack trace or
/// an internal error's text.
struct APIError: Error, Sendable {
    var status: Int
    var code: String
    var message: String
    var headers: [(String, String)] = []

    static func badRequest(_ message: String) -> APIError { APIError(status: 400, code: "BadRequest", message: message) }
    static func unauthorized(_ message: String) -> APIError {
        APIError(status: 401, code: "Unauthorized", message: message, headers: [("WWW-Authenticate", "Bearer")])
    }
    static func forbidden(_ message: String) -> APIError { APIError(status: 403, code: "Forbidden", message: message) }
    static func notFound(_ message: String) -> APIError { APIError(status: 404, code: "NotFound", message: message) }
    static func preconditionFailed(_ message: String) -> APIError {
        APIError(status: 412, code: "PreconditionFailed", message: message)
    }
    static let payloadTooLarge = APIError(
        status: 413, code: "PayloadTooLarge", message: "the request body is larger than 1 MB. Send less.")
    static func unavailable(_ message: String, code: String = "ServiceUnavailable") -> APIError {
        APIError(status: 503, code: code, message: message)
    }
    static let internalError = APIError(
        status: 500, code: "InternalError", message: "the server failed to answer; its log says why. Retry later.")

    var response: ServerResponse {
        .json(status, .object([("error", .string(code)), ("message", .string(message))]), headers: headers)
    }
}
