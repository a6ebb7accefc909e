/// Google API errors in the documented shape
/// `{"error":{"errors":[{"domain","reason","message",...}],"code","message"}}`.
struct GoogleError: Sendable {
    let status: Int
    let domain: String
    let reason: String
    let message: String
    var location: (type: String, name: String)?

    /// The HTTP response carrying this error.
    var response: EmulatorResponse {
        var item: [String: JSONValue] = [
            "domain": .string(domain), "reason": .string(reason), "message": .string(message),
        ]
        if let location {
            item["locationType"] = .string(location.type)
            item["location"] = .string(location.name)
        }
        let body: JSONValue = [
            "error": ["errors": [.object(item)], "code": .int(status), "message": .string(message)]
        ]
        var headers: [(name: String, value: String)] = []
        if status == 401 {
            headers.append(("WWW-Authenticate", "Bearer realm=\"https://accounts.google.com/\", error=\"invalid_token\""))
        }
        return .json(status, body, headers: headers)
    }

    static func invalid(_ message: String, parameter: String? = nil) -> GoogleError {
        GoogleError(
            status: 400, domain: "global", reason: "invalid", message: message,
            location: parameter.map { ("parameter", $0) })
    }

    static func required(_ message: String) -> GoogleError {
        GoogleError(status: 400, domain: "global", reason: "required", message: message)
    }

    static let badRequest = GoogleError(status: 400, domain: "global", reason: "badRequest", message: "Bad Request")

    static let authError = GoogleError(
        status: 401, domain: "global", reason: "authError", message: "Invalid Credentials",
        location: ("header", "Authorization"))

    static let notFound = GoogleError(status: 404, domain: "global", reason: "notFound", message: "Not Found")

    static let duplicate = GoogleError(
        status: 409, domain: "global", reason: "duplicate", message: "The requested identifier already exists.")

    static let deleted = GoogleError(status: 410, domain: "global", reason: "deleted", message: "Resource has been deleted")

    static let fullSyncRequired = GoogleError(
        status: 410, domain: "calendar", reason: "fullSyncRequired",
        message: "Sync token is no longer valid, a full sync is required.", location: ("parameter", "syncToken"))

    static let conditionNotMet = GoogleError(
        status: 412, domain: "global", reason: "conditionNotMet", message: "Precondition Failed",
        location: ("header", "If-Match"))

    static let syncTokenWithRestrictions = GoogleError(
        status: 400, domain: "global", reason: "syncTokenWithRequestRestrictions",
        message: "Sync token cannot be used with other request restrictions.")

    /// The default error for an injected fault with `status`.
    static func fault(status: Int) -> GoogleError {
        switch status {
        case 400: return .badRequest
        case 401: return .authError
        case 403:
            return GoogleError(
                status: 403, domain: "usageLimits", reason: "rateLimitExceeded", message: "Rate Limit Exceeded")
        case 404: return .notFound
        case 409: return .duplicate
        case 410: return .fullSyncRequired
        case 412: return .conditionNotMet
        case 429:
            return GoogleError(
                status: 429, domain: "usageLimits", reason: "rateLimitExceeded", message: "Rate Limit Exceeded")
        case 503:
            return GoogleError(
                status: 503, domain: "global", reason: "backendError", message: "Service unavailable")
        default:
            return GoogleError(status: status, domain: "global", reason: "backendError", message: "Backend Error")
        }
    }
}
