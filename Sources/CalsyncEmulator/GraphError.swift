/// Microsoft Graph errors in the documented shape
/// `{"error":{"code","message","innerError":{"request-id","date"}}}`.
struct GraphError: Sendable {
    let status: Int
    let code: String
    let message: String

    /// The HTTP response carrying this error; `requestID` and `date` fill `innerError`.
    func response(requestID: String, date: String) -> EmulatorResponse {
        let body: JSONValue = [
            "error": [
                "code": .string(code), "message": .string(message),
                "innerError": [
                    "request-id": .string(requestID), "client-request-id": .string(requestID), "date": .string(date),
                ],
            ]
        ]
        return .json(status, body)
    }

    static func invalidRequest(_ message: String) -> GraphError {
        GraphError(status: 400, code: "ErrorInvalidRequest", message: message)
    }

    static let tokenMissing = GraphError(
        status: 401, code: "InvalidAuthenticationToken", message: "Access token is empty.")
    static let tokenExpired = GraphError(
        status: 401, code: "InvalidAuthenticationToken", message: "Access token has expired or is not yet valid.")
    static let tokenInvalid = GraphError(
        status: 401, code: "InvalidAuthenticationToken", message: "IDX14100: JWT is not well formed.")
    static let accessDenied = GraphError(
        status: 403, code: "ErrorAccessDenied", message: "Access is denied. Check credentials and try again.")
    static let itemNotFound = GraphError(
        status: 404, code: "ErrorItemNotFound", message: "The specified object was not found in the store.")
    static let resourceNotFound = GraphError(
        status: 404, code: "ResourceNotFound", message: "Resource not found for the segment.")
    static let subscriptionNotFound = GraphError(
        status: 404, code: "ResourceNotFound",
        message: "The object was not found.")
    static let conflict = GraphError(
        status: 412, code: "ErrorIrresolvableConflict",
        message:
            "The send or update operation could not be performed because the change key passed in the request does not match the current change key for the item."
    )
    static let syncStateNotFound = GraphError(
        status: 410, code: "SyncStateNotFound",
        message: "The sync state generation is not found; the delta link must be discarded and a full sync performed.")

    /// A mailbox's request beyond Outlook's limit of concurrent requests.
    static let mailboxConcurrency = GraphError(
        status: 429, code: "TooManyRequests", message: "Application is over its MailboxConcurrency limit.")

    /// The default error for an injected fault with `status`.
    static func fault(status: Int) -> GraphError {
        switch status {
        case 400: return .invalidRequest("Invalid request.")
        case 401: return .tokenExpired
        case 403: return .accessDenied
        case 404: return .itemNotFound
        case 410: return .syncStateNotFound
        case 412: return .conflict
        case 429:
            return .mailboxConcurrency
        case 503:
            return GraphError(status: 503, code: "ServiceNotAvailable", message: "Service unavailable.")
        case 504:
            return GraphError(status: 504, code: "UnknownError", message: "Gateway timeout.")
        default:
            return GraphError(status: status, code: "UnknownError", message: "An internal server error occurred.")
        }
    }
}
