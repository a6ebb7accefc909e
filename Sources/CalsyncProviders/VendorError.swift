import Foundation

/// An error answer from a vendor: Google Calendar, Microsoft Graph or either OAuth server.
///
/// `message` is the vendor's own text, kept verbatim for `status.error`; it never holds a token,
/// because vendors do not echo them. Classify with `isRetryable` and `isQuotaExhausted`; never
/// match on `message`.
public struct VendorError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which error body shape the answer had.
    public enum Format: String, Sendable, Hashable {
        /// Google API `{"error":{"errors":[{"reason",…}],"code","message"}}`.
        case google
        /// Graph `{"error":{"code","message"}}`.
        case graph
        /// OAuth 2.0 `{"error","error_description","error_codes"}` (Google and Microsoft token endpoints).
        case oauth
        /// No recognised body; `message` is the body text, if any.
        case unrecognized
    }

    /// The HTTP status.
    public let status: Int
    /// The body shape.
    public let format: Format
    /// The vendor's code: Google's first `reason`, Graph's `error.code`, or the OAuth `error`.
    public let code: String?
    /// The Entra ID `AADSTS` number, from `error_codes` or the start of `error_description`.
    public let aadstsCode: Int?
    /// The vendor's message, verbatim.
    public let message: String
    /// The `Retry-After` header, when present.
    public let retryAfter: RetryAfter?

    /// Creates an error from its parts.
    public init(
        status: Int, format: Format, code: String?, aadstsCode: Int? = nil, message: String,
        retryAfter: RetryAfter? = nil
    ) {
        self.status = status
        self.format = format
        self.code = code
        self.aadstsCode = aadstsCode
        self.message = message
        self.retryAfter = retryAfter
    }

    /// Google reasons that mean "slow down" rather than "stop".
    static let googleRateLimitReasons: Set<String> = ["rateLimitExceeded", "userRateLimitExceeded"]
    /// Google reasons that mean a daily quota is spent; waiting seconds does not help.
    static let googleQuotaReasons: Set<String> = ["quotaExceeded", "dailyLimitExceeded"]

    /// Whether the same request may succeed later.
    ///
    /// True for 429, 500, 502, 503, 504, Google's rate-limit 403 and OAuth `temporarily_unavailable`;
    /// never for a spent daily quota, never for another 4xx.
    public var isRetryable: Bool {
        if isQuotaExhausted { return false }
        switch status {
        case 429, 500, 502, 503, 504: return true
        case 403: return format == .google && code.map(Self.googleRateLimitReasons.contains) == true
        default: return format == .oauth && code == "temporarily_unavailable"
        }
    }

    /// Whether a daily quota is spent (Google `quotaExceeded`); retrying within the action is pointless.
    public var isQuotaExhausted: Bool {
        format == .google && code.map(Self.googleQuotaReasons.contains) == true
    }

    /// Whether the access token was refused (401), so a refresh may help.
    public var isUnauthorized: Bool { status == 401 }

    public var description: String {
        var text = "HTTP \(status)"
        if let code { text += " \(code)" }
        if !message.isEmpty { text += ": \(message)" }
        return text
    }
}

// MARK: - Decoding

extension VendorError {
    /// Decodes an error response in whichever vendor shape it has.
    ///
    /// - Parameter response: A response whose status is not 2xx.
    /// - Returns: The error; `format` is `.unrecognized` when the body matches no known shape.
    public init(response: HTTPResponse) {
        let retryAfter = response.header("Retry-After").flatMap(RetryAfter.init(headerValue:))
        let decoder = JSONDecoder()
        if let google = try? decoder.decode(GoogleBody.self, from: response.body), let errors = google.error.errors {
            self.init(
                status: response.status, format: .google, code: errors.first?.reason,
                message: google.error.message ?? errors.first?.message ?? "", retryAfter: retryAfter)
        } else if let graph = try? decoder.decode(GraphBody.self, from: response.body) {
            self.init(
                status: response.status, format: .graph, code: graph.error.code, message: graph.error.message ?? "",
                retryAfter: retryAfter)
        } else if let oauth = try? decoder.decode(OAuthBody.self, from: response.body) {
            let description = oauth.errorDescription ?? ""
            self.init(
                status: response.status, format: .oauth, code: oauth.error,
                aadstsCode: oauth.errorCodes?.first ?? Self.aadstsNumber(in: description),
                message: description.isEmpty ? oauth.error : description, retryAfter: retryAfter)
        } else {
            self.init(
                status: response.status, format: .unrecognized, code: nil,
                message: String(decoding: response.body.prefix(512), as: UTF8.self), retryAfter: retryAfter)
        }
    }

    /// The number after a leading `AADSTS` in an Entra ID `error_description`.
    static func aadstsNumber(in description: String) -> Int? {
        guard description.hasPrefix("AADSTS") else { return nil }
        return Int(description.dropFirst(6).prefix { $0.isNumber })
    }

    private struct GoogleBody: Decodable {
        struct Detail: Decodable {
            let reason: String?
            let message: String?
        }
        struct Inner: Decodable {
            let errors: [Detail]?
            let code: Int?
            let message: String?
        }
        let error: Inner
    }

    private struct GraphBody: Decodable {
        struct Inner: Decodable {
            let code: String
            let message: String?
        }
        let error: Inner
    }

    private struct OAuthBody: Decodable {
        let error: String
        let errorDescription: String?
        let errorCodes: [Int]?

        enum CodingKeys: String, CodingKey {
            case error
            case errorDescription = "error_description"
            case errorCodes = "error_codes"
        }
    }
}
