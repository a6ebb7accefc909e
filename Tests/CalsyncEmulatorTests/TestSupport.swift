import CalsyncEmulator
import CalsyncTesting
import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import Testing

/// The world most tests start from.
enum Fixtures {
    static let googleEmail = "alice@example.com"
    static let microsoftEmail = "bob@example.com"
    static let microsoftUserID = "7c1d2e3f-0000-4000-8000-00000000b0b0"
    static let graphCalendar = "AAMkAGbobdefault"
    static let graphWork = "AAMkAGbobwork"
    static let teamCalendar = "team@group.calendar.google.com"

    static let world = EmulatorFixture(
        apps: [
            OAuthAppFixture(vendor: .google, clientId: "google-client", clientSecret: "google-secret", redirectUris: ["http://127.0.0.1/callback"]),
            OAuthAppFixture(vendor: .microsoft, clientId: "ms-client", clientSecret: "ms-secret", redirectUris: ["http://localhost/callback"]),
            OAuthAppFixture(vendor: .microsoft, clientId: "ms-public", clientSecret: nil, redirectUris: ["http://127.0.0.1/cb"]),
        ],
        accounts: [
            AccountFixture(
                vendor: .google, email: googleEmail, displayName: "Alice",
                calendars: [CalendarFixture(name: "Alice"), CalendarFixture(id: teamCalendar, name: "Team", timeZone: "Europe/Berlin")]),
            AccountFixture(
                vendor: .microsoft, email: microsoftEmail, id: microsoftUserID, displayName: "Bob",
                calendars: [CalendarFixture(id: graphCalendar, name: "Calendar"), CalendarFixture(id: graphWork, name: "Work")]),
        ])

    /// A timed Google event body.
    static func googleEvent(_ summary: String, start: String, end: String, extra: [String: JSONValue] = [:]) -> JSONValue {
        var object: [String: JSONValue] = [
            "summary": .string(summary), "start": ["dateTime": .string(start)], "end": ["dateTime": .string(end)],
        ]
        for (key, value) in extra { object[key] = value }
        return .object(object)
    }

    /// A Graph event body in UTC.
    static func graphEvent(_ subject: String, start: String, end: String, extra: [String: JSONValue] = [:]) -> JSONValue {
        var object: [String: JSONValue] = [
            "subject": .string(subject), "start": ["dateTime": .string(start), "timeZone": "UTC"],
            "end": ["dateTime": .string(end), "timeZone": "UTC"],
        ]
        for (key, value) in extra { object[key] = value }
        return .object(object)
    }
}

/// A started emulator with the standard world and a token per vendor.
struct Session {
    let harness: EmulatorHarness
    let googleToken: String
    let graphToken: String

    static func start(configuration: EmulatorConfiguration = EmulatorConfiguration()) async throws -> Session {
        let harness = try await EmulatorHarness.start(fixture: Fixtures.world, configuration: configuration)
        let google = try await harness.issueToken(vendor: .google, email: Fixtures.googleEmail, clientId: "google-client")
        let graph = try await harness.issueToken(vendor: .microsoft, email: Fixtures.microsoftEmail, clientId: "ms-client")
        return Session(harness: harness, googleToken: google.accessToken, graphToken: graph.accessToken)
    }

    func google(_ method: String, _ path: String, json: JSONValue? = nil, headers: [String: String] = [:]) async throws -> HTTPResult {
        var all = headers
        all["Authorization"] = "Bearer \(googleToken)"
        let url = "/google/calendar/v3" + path
        if let json { return try await harness.send(method, url, headers: all, json: json) }
        return try await harness.send(method, url, headers: all)
    }

    func graph(_ method: String, _ path: String, json: JSONValue? = nil, headers: [String: String] = [:]) async throws -> HTTPResult {
        var all = headers
        all["Authorization"] = "Bearer \(graphToken)"
        let url = path.hasPrefix("http") ? path : "/graph/v1.0" + path
        if let json { return try await harness.send(method, url, headers: all, json: json) }
        return try await harness.send(method, url, headers: all)
    }

    func stop() async { await harness.stop() }
}
