import CalsyncEmulator
import CalsyncProviders
import CalsyncTesting
import Foundation
import Testing

@Suite struct TransportTests {
    static let calendarListPath = "/google/calendar/v3/users/me/calendarList"

    static func request(_ harness: EmulatorHarness, token: String, timeout: Duration? = nil) throws -> HTTPRequest {
        let url = try #require(URL(string: harness.baseURL + calendarListPath))
        return HTTPRequest(method: "get", url: url, headers: ["Authorization": "Bearer \(token)"], timeout: timeout)
    }

    @Test func returnsStatusLowerCasedHeadersAndBody() async throws {
        let harness = try await World.emulator()
        defer { Task { await harness.stop() } }
        let token = try await harness.issueToken(vendor: .google, email: World.googleEmail).accessToken
        // When
        let response = try await World.transport().send(try Self.request(harness, token: token))
        // Then
        #expect(response.status == 200)
        #expect(response.isSuccess)
        #expect(response.header("Content-Type")?.hasPrefix("application/json") == true)
        #expect(response.headers.keys.allSatisfy { $0 == $0.lowercased() })
        #expect(String(decoding: response.body, as: UTF8.self).contains(World.googleEmail))
    }

    @Test func errorStatusesAreResponsesNotThrows() async throws {
        let harness = try await World.emulator()
        defer { Task { await harness.stop() } }
        let response = try await World.transport().send(try Self.request(harness, token: "unknown"))
        #expect(response.status == 401)
        #expect(!response.isSuccess)
    }

    @Test func redirectsAreReturnedNotFollowed() async throws {
        let harness = try await World.emulator()
        defer { Task { await harness.stop() } }
        let client = try World.googleClient(harness)
        // When the authorization URL, which answers with a redirect to the loopback URI, is fetched
        let url = client.authorizationURL(state: "s", codeChallenge: PKCE.generate(using: World.random()).challenge)
        let response = try await World.transport().send(HTTPRequest(method: "GET", url: url))
        // Then the 302 itself comes back
        #expect(response.status == 302)
        #expect(response.header("Location")?.hasPrefix("http://127.0.0.1:8400/callback?") == true)
    }

    @Test func droppedConnectionIsConnectionLost() async throws {
        let harness = try await World.emulator()
        defer { Task { await harness.stop() } }
        try await harness.injectFault(FaultRule(path: Self.calendarListPath, drop: .before, count: 1))
        await #expect(throws: TransportError.self) {
            try await World.transport().send(try Self.request(harness, token: "t"))
        }
    }

    @Test func perRequestTimeoutIsATypedRetryableTimeout() async throws {
        let harness = try await World.emulator()
        defer { Task { await harness.stop() } }
        try await harness.injectFault(FaultRule(path: Self.calendarListPath, delayMilliseconds: 2_500, count: 1))
        // Given the emulator waits 2.5 s before answering, when the request allows 1 s
        do {
            _ = try await World.transport().send(try Self.request(harness, token: "t", timeout: .seconds(1)))
            Issue.record("a delayed answer arrived within the timeout")
        } catch let error as TransportError {
            #expect(error.isTimeout)
            #expect(error.isRetryable)
        }
    }
}

@Suite struct RedactionTests {
    @Test func requestsAndResponsesPrintNoHeadersBodiesOrQueries() throws {
        let url = try #require(URL(string: "https://oauth2.googleapis.com:8443/token?token=abc"))
        let request = HTTPRequest(
            method: "POST", url: url, headers: ["Authorization": "Bearer sekrit"],
            body: Data("refresh_token=sekrit".utf8))
        #expect("\(request)" == "POST https://oauth2.googleapis.com:8443/token")
        #expect(!String(reflecting: request).contains("sekrit"))
        let response = HTTPResponse(status: 200, body: Data(#"{"access_token":"sekrit"}"#.utf8))
        #expect("\(response)" == "HTTP 200, 25 bytes")
        #expect(!String(reflecting: response).contains("sekrit"))
    }
}
