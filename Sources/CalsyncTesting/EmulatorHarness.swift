import CalsyncEmulator
import Foundation
import Logging

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An HTTP exchange's result, as tests read it.
public struct HTTPResult: Sendable {
    /// Status code.
    public let status: Int
    /// Header fields keyed by lower-case name.
    public let headers: [String: String]
    /// The body.
    public let body: Data

    /// The body parsed as JSON.
    public var json: JSONValue? { JSONValue.parse(body) }

    /// The body as UTF-8 text.
    public var text: String { String(decoding: body, as: UTF8.self) }

    /// Header `name` (case-insensitive).
    public func header(_ name: String) -> String? { headers[name.lowercased()] }
}

/// A failed control-API call.
public struct HarnessError: Error, CustomStringConvertible {
    /// What went wrong.
    public let description: String

    /// Creates an error saying `description`.
    public init(description: String) {
        self.description = description
    }
}

/// A token pair issued through the control API.
public struct IssuedToken: Sendable {
    /// The bearer token.
    public let accessToken: String
    /// The refresh token.
    public let refreshToken: String
}

/// Starts `calsync-emulator` (in-process, or as a child process) on an ephemeral loopback port
/// and drives its control API with typed async methods.
public final class EmulatorHarness: Sendable {
    /// `http://127.0.0.1:PORT`.
    public let baseURL: String
    private let server: EmulatorServer?
    private let child: ChildProcess?
    private let client: HTTPClient

    /// The emulator's process id when it runs as a child process (`launch`); nil in process.
    public var processID: Int32? { child?.processID }

    private init(baseURL: String, server: EmulatorServer?, child: ChildProcess?) {
        self.baseURL = baseURL
        self.server = server
        self.child = child
        self.client = HTTPClient()
    }

    /// The emulator itself, when it runs in-process.
    public var emulator: Emulator? { server?.emulator }
    /// Value for `CALSYNC_GOOGLE_BASE_URL`.
    public var googleBaseURL: String { baseURL + "/google" }
    /// Value for `CALSYNC_GRAPH_BASE_URL`.
    public var graphBaseURL: String { baseURL + "/graph" }
    /// Value for `CALSYNC_MICROSOFT_LOGIN_BASE_URL`.
    public var microsoftLoginBaseURL: String { baseURL + "/microsoft-login" }

    /// The default virtual start instant for tests: 2026-01-05T09:00:00Z (a Monday).
    public static let defaultStart = Date(timeIntervalSince1970: 1_767_603_600)

    /// Starts an emulator in this process on 127.0.0.1 and an ephemeral port.
    /// - Parameters:
    ///   - fixture: World to seed before returning.
    ///   - start: The virtual clock's first instant.
    ///   - seed: Random seed.
    ///   - configuration: Lifetimes and limits.
    public static func start(
        fixture: EmulatorFixture? = nil, start: Date = defaultStart, seed: UInt64 = 1,
        configuration: EmulatorConfiguration = EmulatorConfiguration()
    ) async throws -> EmulatorHarness {
        let emulator = Emulator(start: start, seed: seed, configuration: configuration)
        if let fixture { try await emulator.seed(fixture) }
        var logger = Logger(label: "calsync-emulator")
        logger.logLevel = .critical
        let server = try await EmulatorServer.start(emulator: emulator, logger: logger)
        return EmulatorHarness(baseURL: server.baseURL, server: server, child: nil)
    }

    /// Launches the `calsync-emulator` executable as a child process on an ephemeral port.
    /// - Parameters:
    ///   - executable: Path of the built `calsync-emulator`.
    ///   - arguments: Extra flags (`--seed`, `--start-time`, `--fixture`).
    public static func launch(executable: URL, arguments: [String] = []) async throws -> EmulatorHarness {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["--port", "0", "--exit-with-stdin"] + arguments
        // The child reads its standard input until this process closes it, by exiting or crashing, and
        // never holds this process's own output open: an emulator that outlived a crashed test run would
        // otherwise keep `swift test` waiting for the end of that output.
        let output = Pipe(), input = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        process.standardInput = input
        try process.run()
        let printed = PipeCollector(output)
        func banner() -> Substring? { printed.text.split(separator: "\n").first(where: { $0.contains("listening on") }) }
        let deadline = ContinuousClock.now + .seconds(60)
        while banner() == nil && !printed.isFinished && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(10))
        }
        let line = banner()
        guard let line, let address = line.split(separator: " ").last else {
            process.terminate()
            throw HarnessError(description: "calsync-emulator did not report its port")
        }
        return EmulatorHarness(baseURL: "http://\(address)", server: nil, child: ChildProcess(process, input: input))
    }

    /// Stops the emulator and waits for it.
    public func stop() async {
        if let server { await server.stop() }
        if let child { await child.terminate() }
        client.shutdown()
    }

    // MARK: - Raw HTTP

    /// Sends a request to the emulator (redirects are not followed).
    /// - Parameters:
    ///   - method: HTTP method.
    ///   - path: Path and query under the base URL, or an absolute URL.
    ///   - headers: Header fields.
    ///   - body: Body bytes.
    public func send(_ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil) async throws -> HTTPResult {
        let target = path.hasPrefix("http") ? path : baseURL + path
        return try await client.send(method, target, headers: headers, body: body)
    }

    /// Sends JSON to the emulator.
    public func send(_ method: String, _ path: String, headers: [String: String] = [:], json: JSONValue) async throws -> HTTPResult {
        var all = headers
        all["Content-Type"] = "application/json"
        return try await send(method, path, headers: all, body: json.serialized())
    }

    // MARK: - Control API

    /// Seeds apps, accounts, calendars and events.
    public func seed(_ fixture: EmulatorFixture) async throws {
        try await control("POST", "/seed", body: JSONValue.parse(try JSONEncoder().encode(fixture)) ?? [:])
    }

    /// Adds a calendar to a seeded account; returns its id.
    @discardableResult
    public func addCalendar(vendor: Vendor, email: String, _ calendar: CalendarFixture) async throws -> String {
        let body = try await control(
            "POST", "/calendars",
            body: [
                "vendor": .string(vendor.rawValue), "email": .string(email),
                "calendar": JSONValue.parse(try JSONEncoder().encode(calendar)) ?? [:],
            ])
        return body["id"]?.stringValue ?? ""
    }

    /// Forgets everything and puts the clock back to its start.
    public func reset() async throws {
        try await control("POST", "/reset")
    }

    /// Changes lifetimes and limits (only the fields given).
    public func configure(_ changes: JSONValue) async throws {
        try await control("POST", "/config", body: changes)
    }

    /// The virtual clock's current instant.
    public func now() async throws -> Date {
        let millis = try await control("GET", "/clock")["epochMilliseconds"]?.intValue ?? 0
        return Date(timeIntervalSince1970: TimeInterval(millis) / 1000)
    }

    /// Moves the virtual clock forward.
    public func advanceClock(by seconds: TimeInterval) async throws {
        try await control("POST", "/clock/advance", body: ["seconds": .double(seconds)])
    }

    /// Sets the virtual clock.
    public func setClock(to instant: Date) async throws {
        let text = ISO8601DateFormatter().string(from: instant)
        try await control("POST", "/clock/set", body: ["now": .string(text)])
    }

    /// Issues tokens for a seeded account without the authorize dance.
    public func issueToken(vendor: Vendor, email: String, clientId: String = "control") async throws -> IssuedToken {
        let body = try await control(
            "POST", "/oauth/tokens",
            body: ["vendor": .string(vendor.rawValue), "email": .string(email), "clientId": .string(clientId)])
        return IssuedToken(
            accessToken: body["access_token"]?.stringValue ?? "", refreshToken: body["refresh_token"]?.stringValue ?? "")
    }

    /// Makes the authorize endpoint grant or deny for an account.
    public func setConsent(vendor: Vendor, email: String, decision: ConsentDecision) async throws {
        try await control(
            "POST", "/oauth/consent",
            body: ["vendor": .string(vendor.rawValue), "email": .string(email), "decision": .string(decision.rawValue)])
    }

    /// Revokes an account's grants; returns how many.
    @discardableResult
    public func revokeGrants(vendor: Vendor, email: String, reason: GrantRevocation = .revoked) async throws -> Int {
        let body = try await control(
            "POST", "/oauth/revoke",
            body: ["vendor": .string(vendor.rawValue), "email": .string(email), "reason": .string(reason.rawValue)])
        return body["revoked"]?.intValue ?? 0
    }

    /// Adds a fault rule; returns it with its id.
    @discardableResult
    public func injectFault(_ rule: FaultRule) async throws -> FaultRule {
        let body = try await control("POST", "/faults", body: JSONValue.parse(try JSONEncoder().encode(rule)) ?? [:])
        return try JSONDecoder().decode(FaultRule.self, from: body.serialized())
    }

    /// Removes every fault rule.
    public func clearFaults() async throws {
        try await control("DELETE", "/faults")
    }

    /// The request log with counts per route.
    public func requests() async throws -> RequestLogSnapshot {
        try JSONDecoder().decode(RequestLogSnapshot.self, from: try await control("GET", "/requests").serialized())
    }

    /// Clears the request log.
    public func resetRequests() async throws {
        try await control("DELETE", "/requests")
    }

    /// Outbound pushes, notifications and handshakes so far.
    public func deliveries() async throws -> [DeliveryRecord] {
        let body = try await control("GET", "/deliveries")
        return try JSONDecoder().decode([DeliveryRecord].self, from: (body["deliveries"] ?? []).serialized())
    }

    /// A calendar's events with deleted ones, revisions and all extended properties.
    public func events(vendor: Vendor, calendarID: String) async throws -> [JSONValue] {
        try await control("GET", "/\(vendor.rawValue)/calendars/\(escape(calendarID))/events")["items"]?.arrayValue ?? []
    }

    /// Creates an event as the calendar's owner (bumps etags, sends pushes).
    @discardableResult
    public func createEvent(vendor: Vendor, calendarID: String, _ event: JSONValue) async throws -> JSONValue {
        try await control("POST", "/\(vendor.rawValue)/calendars/\(escape(calendarID))/events", body: event)
    }

    /// Patches an event as the calendar's owner.
    @discardableResult
    public func updateEvent(vendor: Vendor, calendarID: String, eventID: String, _ changes: JSONValue) async throws -> JSONValue {
        try await control("PATCH", "/\(vendor.rawValue)/calendars/\(escape(calendarID))/events/\(escape(eventID))", body: changes)
    }

    /// Deletes an event as the calendar's owner.
    public func deleteEvent(vendor: Vendor, calendarID: String, eventID: String) async throws {
        try await control("DELETE", "/\(vendor.rawValue)/calendars/\(escape(calendarID))/events/\(escape(eventID))")
    }

    /// Makes every Google sync token of a calendar answer 410 `fullSyncRequired`.
    public func invalidateGoogleSyncTokens(calendarID: String) async throws {
        try await control("POST", "/google/calendars/\(escape(calendarID))/sync-tokens/invalidate")
    }

    /// Makes every Graph delta/skip link of a calendar answer 410 `SyncStateNotFound`.
    public func invalidateGraphDelta(calendarID: String) async throws {
        try await control("POST", "/graph/calendars/\(escape(calendarID))/delta/invalidate")
    }

    /// Google channels: `{id, resourceId, calendarId, address, expiration, live, messageNumber}` each.
    public func channels() async throws -> [JSONValue] {
        try await control("GET", "/google/channels")["channels"]?.arrayValue ?? []
    }

    /// Graph subscriptions as the API shows them, plus `live`.
    public func subscriptions() async throws -> [JSONValue] {
        try await control("GET", "/graph/subscriptions")["subscriptions"]?.arrayValue ?? []
    }

    /// Expires a Google channel now.
    public func expireChannel(id: String) async throws {
        try await control("POST", "/google/channels/\(escape(id))/expire")
    }

    /// Expires a Graph subscription now.
    public func expireSubscription(id: String) async throws {
        try await control("POST", "/graph/subscriptions/\(escape(id))/expire")
    }

    /// Sends a lifecycle notification (`reauthorizationRequired`, `subscriptionRemoved`, `missed`).
    public func sendLifecycleNotification(subscriptionID: String, event: LifecycleEvent) async throws {
        try await control("POST", "/graph/subscriptions/\(escape(subscriptionID))/lifecycle", body: ["lifecycleEvent": .string(event.rawValue)])
    }

    @discardableResult
    private func control(_ method: String, _ path: String, body: JSONValue? = nil) async throws -> JSONValue {
        let result: HTTPResult
        if let body {
            result = try await send(method, "/_control" + path, json: body)
        } else {
            result = try await send(method, "/_control" + path)
        }
        guard (200..<300).contains(result.status) else {
            throw HarnessError(description: "\(method) /_control\(path) answered \(result.status): \(result.text)")
        }
        return result.json ?? .null
    }

    private func escape(_ segment: String) -> String {
        segment.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(CharacterSet(charactersIn: "/"))) ?? segment
    }
}
