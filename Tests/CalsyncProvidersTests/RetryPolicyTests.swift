import CalsyncProviders
import CalsyncTesting
import Foundation
import Testing

@Suite struct RetryPolicyTests {
    static let url = URL(fileURLWithPath: "/")
    static func policy(maxAttempts: Int = 5) -> RetryPolicy {
        RetryPolicy(
            maxAttempts: maxAttempts, baseDelay: .seconds(1), maxDelay: .seconds(8), deadline: .seconds(60),
            clock: RecordingClock(), random: World.random(), timeSource: FixedTimeSource(now: World.start))
    }

    @Test(
        arguments: [
            ("GET", [:], nil, true), ("PUT", [:], nil, false), ("PUT", ["If-Match": "\"e1\""], nil, true),
            ("PATCH", ["if-match": "W/\"c\""], nil, true), ("DELETE", [:], nil, false), ("POST", [:], nil, false),
            ("POST", [:], "key", true),
        ] as [(String, [String: String], String?, Bool)])
    func safeToRetryFollowsMethodAndPreconditions(method: String, headers: [String: String], key: String?, safe: Bool) {
        let request = HTTPRequest(method: method, url: Self.url, headers: headers, idempotencyKey: key)
        #expect(request.isSafeToRetry == safe)
    }

    @Test(arguments: [
        (429, true), (500, true), (502, true), (503, true), (504, true), (400, false), (404, false), (409, false),
        (412, false), (501, false),
    ])
    func statusClassification(status: Int, retried: Bool) {
        let request = HTTPRequest(method: "GET", url: Self.url)
        #expect(Self.policy().isRetryable(.success(HTTPResponse(status: status)), of: request) == retried)
    }

    @Test func backoffIsFullJitterUnderACappedExponentialCeiling() {
        let policy = Self.policy()
        for attempt in 1...8 {
            let ceiling = min(Duration.seconds(8), .seconds(1) * (1 << (attempt - 1)))
            for _ in 0..<20 {
                let delay = policy.backoff(attempt: attempt)
                #expect(delay >= .zero && delay <= ceiling)
            }
        }
    }

    @Test func stopsAfterMaxAttempts() {
        let request = HTTPRequest(method: "GET", url: Self.url)
        let policy = Self.policy(maxAttempts: 3)
        #expect(policy.delay(after: .success(HTTPResponse(status: 503)), of: request, attempt: 2) != nil)
        #expect(policy.delay(after: .success(HTTPResponse(status: 503)), of: request, attempt: 3) == nil)
    }

    @Test func retryAfterAsHTTPDateIsMeasuredFromTheInjectedNow() {
        let request = HTTPRequest(method: "GET", url: Self.url)
        // World.start is 2026-01-05T09:00:00Z.
        let response = HTTPResponse(status: 503, headers: ["Retry-After": "Mon, 05 Jan 2026 09:00:42 GMT"])
        #expect(Self.policy().delay(after: .success(response), of: request, attempt: 1) == .seconds(42))
        #expect(RetryAfter(headerValue: "Mon, 05 Jan 2026 08:00:00 GMT")?.delay(from: World.start) == .zero)
        #expect(RetryAfter(headerValue: "soon") == nil)
        #expect(RetryAfter(headerValue: " 7 ") == .seconds(7))
    }

    @Test func transportFailuresAreRetriedOnlyWhenRetryable() {
        let request = HTTPRequest(method: "GET", url: Self.url)
        let policy = Self.policy()
        #expect(policy.isRetryable(.failure(TransportError.connectionLost("x")), of: request))
        #expect(policy.isRetryable(.failure(TransportError.timedOut("x")), of: request))
        #expect(!policy.isRetryable(.failure(TransportError.invalidResponse("x")), of: request))
        #expect(!policy.isRetryable(.failure(CancellationError()), of: request))
    }
}
