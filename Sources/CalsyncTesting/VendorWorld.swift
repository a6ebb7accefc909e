import CalsyncEmulator
import Foundation

/// A workspace whose manifests declare tenant `acme` with Google and Microsoft apps registered at a
/// running emulator, and the environment that points calsync at it: the setting of every test that
/// talks to the vendors through the real `calsync` binary.
public struct VendorWorld: Sendable {
    public let emulator: EmulatorHarness
    public let workspace: Workspace
    /// The loopback port of the apps' `redirectUri`.
    public let redirectPort: Int
    public static let googleAccount = "alice@example.com"
    public static let microsoftAccount = "bob@example.com"

    /// Starts an emulator and writes the manifests.
    /// - Parameters:
    ///   - google: Google providers: name → calendarId.
    ///   - microsoft: Microsoft providers: name → calendarId.
    ///   - extraCalendars: Additional calendars of each account (ids).
    ///   - webhookBaseURL: Set as `CALSYNC_WEBHOOK_BASE_URL` when given.
    public static func start(
        google: [String: String] = ["google-main": "primary"], microsoft: [String: String] = ["outlook-main": "calendar"],
        extraCalendars: [String] = ["team-calendar"], webhookBaseURL: String? = nil, start: Date? = nil
    ) async throws -> VendorWorld {
        let redirectPort = try FreePort.pick()
        let redirect = "http://127.0.0.1:\(redirectPort)/oauth/callback"
        let fixture = EmulatorFixture(
            apps: [
                OAuthAppFixture(vendor: .google, clientId: "acme-google", clientSecret: "g-secret", redirectUris: [redirect]),
                OAuthAppFixture(vendor: .microsoft, clientId: "acme-microsoft", clientSecret: "m-secret", redirectUris: [redirect]),
            ],
            accounts: [
                AccountFixture(
                    vendor: .google, email: googleAccount,
                    calendars: [CalendarFixture(name: "Alice")] + extraCalendars.map { CalendarFixture(id: $0, name: $0) }),
                AccountFixture(
                    vendor: .microsoft, email: microsoftAccount, id: "bob-id",
                    calendars: [CalendarFixture(id: "bob-calendar", name: "Calendar", isDefault: true)]
                        + extraCalendars.map { CalendarFixture(id: $0, name: $0) }),
            ])
        let emulator = try await EmulatorHarness.start(fixture: fixture, start: start ?? Date())
        let workspace = try Workspace()
        var providers = ""
        for (name, calendar) in google.sorted(by: { $0.key < $1.key }) {
            providers += provider(name, vendor: "google", calendar: calendar)
        }
        for (name, calendar) in microsoft.sorted(by: { $0.key < $1.key }) {
            providers += provider(name, vendor: "microsoft", calendar: calendar)
        }
        try workspace.write(
            "manifests/acme.yaml",
            """
            apiVersion: calsync/v1
            kind: Tenant
            metadata: { name: acme }
            spec:
              oauthApps:
                google:
                  clientId: acme-google
                  clientSecret: { env: ACME_GOOGLE_SECRET }
                  redirectUri: \(redirect)
                microsoft:
                  clientId: acme-microsoft
                  clientSecret: { env: ACME_MS_SECRET }
                  redirectUri: \(redirect)
                  directoryTenant: common
            \(providers)
            """)
        var environment = [
            "CALSYNC_GOOGLE_BASE_URL": emulator.googleBaseURL, "CALSYNC_GRAPH_BASE_URL": emulator.graphBaseURL,
            "CALSYNC_MICROSOFT_LOGIN_BASE_URL": emulator.microsoftLoginBaseURL,
            "CALENDAR_OAUTH_ENCRYPTION_KEY": Data((0..<32).map { _ in UInt8.random(in: 0...255) }).base64EncodedString(),
            "ACME_GOOGLE_SECRET": "g-secret", "ACME_MS_SECRET": "m-secret",
        ]
        if let webhookBaseURL { environment["CALSYNC_WEBHOOK_BASE_URL"] = webhookBaseURL }
        if let start {
            // calsync's clock follows the emulator's virtual clock.
            environment["CALSYNC_CLOCK_OFFSET"] = "\(Int(start.timeIntervalSinceNow.rounded()))s"
        }
        workspace.environment = environment
        return VendorWorld(emulator: emulator, workspace: workspace, redirectPort: redirectPort)
    }

    private static func provider(_ name: String, vendor: String, calendar: String) -> String {
        """
        ---
        apiVersion: calsync/v1
        kind: CalendarProvider
        metadata: { name: \(name), tenant: acme }
        spec: { vendor: \(vendor), calendarId: \(calendar) }

        """
    }

    /// Runs `calsync authorize REF --no-browser`, opens the printed URL as a browser would (the
    /// emulator consents at once) and follows the redirect to calsync's loopback listener.
    /// - Returns: The finished command.
    public func authorize(_ ref: String, arguments: [String] = []) async throws -> CommandResult {
        let command = try BackgroundCommand.calsync(
            ["authorize", ref, "--no-browser", "--timeout", "30s"] + arguments, in: workspace.path,
            environment: workspace.environment)
        defer { command.stop() }
        guard let url = await command.line(where: { $0.hasPrefix("http") }) else {
            return await command.wait(timeout: .seconds(5))
                ?? CommandResult(exitCode: -1, stdout: command.stdout, stderr: command.stderr)
        }
        let consent = try await emulator.send("GET", url)
        if let location = consent.header("location") {
            _ = try await emulator.send("GET", location)
        }
        return await command.wait(timeout: .seconds(30))
            ?? CommandResult(exitCode: -1, stdout: command.stdout, stderr: command.stderr + "\n(timed out)")
    }

    public func stop() async { await emulator.stop() }
}

/// A free TCP port on 127.0.0.1, found by binding port 0.
public enum FreePort {
    public static func pick() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw POSIXError(.EADDRINUSE) }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
