import CalsyncEmulator
import CalsyncModel
import CalsyncProviders
import CalsyncTesting
import Foundation
import Testing

@Suite struct RetryTests {
    static let calendarListPath = "/google/calendar/v3/users/me/calendarList"
    static let eventsPath = "/google/calendar/v3/calendars/primary/events"

    /// An emulator, a Google access token, a recording clock and a retrying transport over a fresh session.
    struct Rig {
        let harness: EmulatorHarness
        let token: String
        let clock: RecordingClock
        let transport: RetryingTransport

        init(deadline: Duration = .seconds(120), maxAttempts: Int = 5) async throws {
            harness = try await World.emulator()
            token = try await harness.issueToken(vendor: .google, email: World.googleEmail).accessToken
            clock = RecordingClock()
            let policy = RetryPolicy(
                maxAttempts: maxAttempts, baseDelay: .milliseconds(500), maxDelay: .seconds(30), deadline: deadline,
                clock: clock, random: World.random(), timeSource: FixedTimeSource(now: World.start))
            transport = RetryingTransport(World.transport(), policy: policy)
        }

        func request(
            _ method: String = "GET", _ path: String = RetryTests.calendarListPath, idempotencyKey: String? = nil
        ) throws -> HTTPRequest {
            let url = try #require(URL(string: harness.baseURL + path))
            var headers = ["Authorization": "Bearer \(token)"]
            var body: Data?
            if method == "POST" {
                headers["Content-Type"] = "application/json"
                body = Data(
                    #"{"summary":"Standup","start":{"dateTime":"2026-01-06T09:00:00Z"},"end":{"dateTime":"2026-01-06T09:15:00Z"}}"#
                        .utf8)
            }
            return HTTPRequest(method: method, url: url, headers: headers, body: body, idempotencyKey: idempotencyKey)
        }

        /// Requests the emulator saw for `path`, faulted ones included.
        func sent(_ method: String = "GET", _ path: String = RetryTests.calendarListPath) async throws -> Int {
            try await harness.requests().entries.filter { $0.method == method && $0.path.hasPrefix(path) }.count
        }
    }

    @Test func status429WaitsExactlyRetryAfterThenSucceeds() async throws {
        let rig = try await Rig()
        defer { Task { await rig.harness.stop() } }
        // Given one 429 with Retry-After: 3
        try await rig.harness.injectFault(
            FaultRule(method: "GET", path: Self.calendarListPath, status: 429, retryAfter: 3, count: 1))
        // When
        let response = try await rig.transport.send(try rig.request())
        // Then the wait was the vendor's, on the injected clock, and the second try succeeded
        #expect(response.status == 200)
        #expect(rig.clock.sleeps == [.seconds(3)])
        #expect(try await rig.sent() == 2)
    }

    @Test func status503IsRetriedWithJitteredBackoffThenSucceeds() async throws {
        let rig = try await Rig()
        defer { Task { await rig.harness.stop() } }
        try await rig.harness.injectFault(FaultRule(method: "GET", path: Self.calendarListPath, status: 503, count: 2))
        let response = try await rig.transport.send(try rig.request())
        #expect(response.status == 200)
        let sleeps = rig.clock.sleeps
        #expect(sleeps.count == 2)
        #expect(sleeps[0] <= .milliseconds(500))
        #expect(sleeps[1] <= .seconds(1))
        #expect(try await rig.sent() == 3)
    }

    @Test func droppedConnectionIsATypedRetryableErrorAndIsRetried() async throws {
        let rig = try await Rig()
        defer { Task { await rig.harness.stop() } }
        // Given the connection is closed before the request is handled, on a fresh connection
        try await rig.harness.injectFault(
            FaultRule(method: "GET", path: Self.calendarListPath, drop: .before, count: 1))
        // When sent without retries, then a typed, retryable transport error
        do {
            _ = try await World.transport().send(try rig.request())
            Issue.record("a dropped connection returned a response")
        } catch let error as TransportError {
            #expect(error.isConnectionLost)
            #expect(error.isRetryable)
        }
        // When sent with retries, then the second try succeeds
        try await rig.harness.injectFault(
            FaultRule(method: "GET", path: Self.calendarListPath, drop: .before, count: 1))
        let response = try await rig.transport.send(try rig.request())
        #expect(response.status == 200)
        #expect(rig.clock.sleeps.count == 1)
    }

    @Test func deadlineExceededNamesTheDeadline() async throws {
        let rig = try await Rig(deadline: .seconds(60), maxAttempts: 10)
        defer { Task { await rig.harness.stop() } }
        // Given the vendor keeps answering 503 with Retry-After: 30
        try await rig.harness.injectFault(
            FaultRule(method: "GET", path: Self.calendarListPath, status: 503, retryAfter: 30))
        // When, then the third wait would pass the 60 s deadline
        do {
            _ = try await rig.transport.send(try rig.request())
            Issue.record("a permanent 503 returned")
        } catch let error as RetryError {
            #expect(error.deadline == .seconds(60))
            #expect(error.attempts == 3)
            #expect(error.isRetryable)
            #expect("\(error)".contains("deadline of 60.0 seconds exceeded"))
            #expect("\(error)".contains("HTTP 503"))
        }
        #expect(rig.clock.sleeps == [.seconds(30), .seconds(30)])
        #expect(try await rig.sent() == 3)
    }

    @Test func dailyQuotaExceededIsNotRetried() async throws {
        let rig = try await Rig()
        defer { Task { await rig.harness.stop() } }
        let body: CalsyncEmulator.JSONValue = [
            "error": [
                "errors": [
                    ["domain": "usageLimits", "reason": "quotaExceeded", "message": "Calendar usage limits exceeded."]
                ],
                "code": 403, "message": "Calendar usage limits exceeded.",
            ]
        ]
        try await rig.harness.injectFault(
            FaultRule(method: "GET", path: Self.calendarListPath, status: 403, body: body, count: 1))
        let response = try await rig.transport.send(try rig.request())
        #expect(response.status == 403)
        let error = VendorError(response: response)
        #expect(error.isQuotaExhausted)
        #expect(!error.isRetryable)
        #expect(error.message == "Calendar usage limits exceeded.")
        #expect(rig.clock.sleeps.isEmpty)
        #expect(try await rig.sent() == 1)
    }

    @Test func googleRateLimit403IsRetried() async throws {
        let rig = try await Rig()
        defer { Task { await rig.harness.stop() } }
        let body: CalsyncEmulator.JSONValue = [
            "error": [
                "errors": [
                    ["domain": "usageLimits", "reason": "userRateLimitExceeded", "message": "Rate Limit Exceeded"]
                ],
                "code": 403, "message": "Rate Limit Exceeded",
            ]
        ]
        try await rig.harness.injectFault(
            FaultRule(method: "GET", path: Self.calendarListPath, status: 403, body: body, count: 1))
        let response = try await rig.transport.send(try rig.request())
        #expect(response.status == 200)
        #expect(try await rig.sent() == 2)
    }

    @Test func postWithoutIdempotencyKeyIsNotRetriedButWithOneItIs() async throws {
        let rig = try await Rig()
        defer { Task { await rig.harness.stop() } }
        // Given a plain POST meets a 503
        try await rig.harness.injectFault(FaultRule(method: "POST", path: Self.eventsPath, status: 503, count: 1))
        let plain = try await rig.transport.send(try rig.request("POST", Self.eventsPath))
        // Then it is handed back as is
        #expect(plain.status == 503)
        #expect(try await rig.sent("POST", Self.eventsPath) == 1)
        // Given a POST marked idempotent meets a 503
        try await rig.harness.injectFault(FaultRule(method: "POST", path: Self.eventsPath, status: 503, count: 1))
        let keyed = try await rig.transport.send(try rig.request("POST", Self.eventsPath, idempotencyKey: "k1"))
        // Then it is sent again
        #expect(keyed.status == 200)
        #expect(try await rig.sent("POST", Self.eventsPath) == 3)
    }

    @Test func lostAnswerToAPlainPostIsThrownNotResent() async throws {
        let rig = try await Rig()
        defer { Task { await rig.harness.stop() } }
        // Given the emulator creates the event, then closes the (fresh) connection without answering
        try await rig.harness.injectFault(FaultRule(method: "POST", path: Self.eventsPath, drop: .after, count: 1))
        // When, then the transport error is handed back and the POST is not sent again
        do {
            _ = try await rig.transport.send(try rig.request("POST", Self.eventsPath))
            Issue.record("a lost answer returned a response")
        } catch let error as TransportError {
            #expect(error.isConnectionLost)
        }
        #expect(rig.clock.sleeps.isEmpty)
        #expect(try await rig.sent("POST", Self.eventsPath) == 1)
    }

    @Test func graph429WaitsRetryAfterThenSucceeds() async throws {
        let rig = try await Rig()
        defer { Task { await rig.harness.stop() } }
        let token = try await rig.harness.issueToken(vendor: .microsoft, email: World.microsoftEmail).accessToken
        let path = "/graph/v1.0/me/calendars"
        try await rig.harness.injectFault(FaultRule(method: "GET", path: path, status: 429, retryAfter: 2, count: 1))
        let url = try #require(URL(string: rig.harness.baseURL + path))
        // When
        let response = try await rig.transport.send(
            HTTPRequest(method: "GET", url: url, headers: ["Authorization": "Bearer \(token)"]))
        // Then
        #expect(response.status == 200)
        #expect(rig.clock.sleeps == [.seconds(2)])
        #expect(try await rig.sent("GET", path) == 2)
    }

    @Test func otherClientErrorsAreNotRetried() async throws {
        let rig = try await Rig()
        defer { Task { await rig.harness.stop() } }
        var request = try rig.request()
        request.headers["Authorization"] = "Bearer not-a-token"
        let response = try await rig.transport.send(request)
        #expect(response.status == 401)
        #expect(VendorError(response: response).code == "authError")
        #expect(rig.clock.sleeps.isEmpty)
        #expect(try await rig.sent() == 1)
    }
}
