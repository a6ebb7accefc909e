import CalsyncProviders
import Foundation
import Testing

@Suite struct VendorErrorTests {
    static func response(_ status: Int, _ body: String, headers: [String: String] = [:]) -> HTTPResponse {
        HTTPResponse(status: status, headers: headers, body: Data(body.utf8))
    }

    @Test func googleShapeGivesTheFirstReason() {
        let error = VendorError(
            response: Self.response(
                403,
                #"{"error":{"errors":[{"domain":"usageLimits","reason":"rateLimitExceeded","message":"Rate Limit Exceeded"}],"code":403,"message":"Rate Limit Exceeded"}}"#
            ))
        #expect(error.format == .google)
        #expect(error.code == "rateLimitExceeded")
        #expect(error.message == "Rate Limit Exceeded")
        #expect(error.isRetryable)
        #expect(!error.isQuotaExhausted)
    }

    @Test func graphShapeGivesTheCodeAndRetryAfter() {
        let error = VendorError(
            response: Self.response(
                429,
                #"{"error":{"code":"activityLimitReached","message":"The request has been throttled","innerError":{"request-id":"r"}}}"#,
                headers: ["Retry-After": "12"]))
        #expect(error.format == .graph)
        #expect(error.code == "activityLimitReached")
        #expect(error.message == "The request has been throttled")
        #expect(error.retryAfter == .seconds(12))
        #expect(error.isRetryable)
    }

    @Test func oauthShapeParsesTheAADSTSNumber() {
        let description =
            "AADSTS70008: The provided authorization code or refresh token has expired.\r\nTrace ID: t\r\nCorrelation ID: c\r\nTimestamp: 2026-01-05 09:00:00Z"
        let body =
            #"{"error":"invalid_grant","error_description":"\#(description.replacingOccurrences(of: "\r\n", with: "\\r\\n"))"}"#
        let error = VendorError(response: Self.response(400, body))
        #expect(error.format == .oauth)
        #expect(error.code == "invalid_grant")
        #expect(error.aadstsCode == 70008)
        #expect(error.message == description)
        #expect(!error.isRetryable)
    }

    @Test func errorCodesWinOverTheDescription() {
        let error = VendorError(
            response: Self.response(
                400, #"{"error":"invalid_grant","error_description":"AADSTS1: x","error_codes":[700082]}"#))
        #expect(error.aadstsCode == 700082)
    }

    @Test func unknownBodiesKeepTheirText() {
        let error = VendorError(response: Self.response(502, "Bad Gateway"))
        #expect(error.format == .unrecognized)
        #expect(error.message == "Bad Gateway")
        #expect(error.isRetryable)
        #expect("\(error)" == "HTTP 502: Bad Gateway")
    }
}
