import CalsyncModel
import CalsyncState
import CalsyncTesting
import Foundation
import Testing

/// `calsync entries` and `calsync tenants purge` as an operator runs them.
@Suite struct EntriesCommandTests {
    static let vendors = RepositoryPaths.path("Tests/CalsyncICalTests/Fixtures/vendors")
    static let malformed = RepositoryPaths.path("Tests/CalsyncICalTests/Fixtures/malformed")
    static let range = ["--from", "2026-10-01T00:00:00Z", "--to", "2027-12-31T00:00:00Z"]

    /// A workspace whose state knows the sample tenants.
    func reconciled() async throws -> Workspace {
        let ws = try Workspace()
        try ws.copySampleManifests()
        #expect(try await ws.calsync(["reconcile"]).exitCode == 3)
        return ws
    }

    func entries(_ ws: Workspace, _ tenant: String) async throws -> [[String: Any]] {
        let result = try await ws.calsync(["entries", "list", "--tenant", tenant, "-o", "json"])
        #expect(result.exitCode == 0, "\(result.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        return object?["entries"] as? [[String: Any]] ?? []
    }

    @Test func addUpdateDeleteWithVersions() async throws {
        let ws = try await reconciled()
        // Given an entry added from the shell
        let add = try await ws.calsync([
            "entries", "add", "--tenant", "acme", "--title", "Board", "--start", "2026-11-26T10:00:00Z", "--end",
            "2026-11-26T11:00:00Z", "--time-zone", "Europe/Berlin", "--location", "Room 1",
        ])
        #expect(add.exitCode == 0, "\(add.stderr)")
        let id = add.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        await #expect(try entries(ws, "acme").map { $0["id"] as? String } == [id])
        // When it is updated, Then its version grows and a stale --if-version is refused
        let update = try await ws.calsync(["entries", "update", id, "--tenant", "acme", "--title", "Board (moved)"])
        #expect(update.stdout == "\(id) version 2\n")
        let stale = try await ws.calsync(["entries", "update", id, "--tenant", "acme", "--title", "x", "--if-version", "1"])
        #expect(stale.exitCode == 1)
        #expect(stale.stderr.contains("is at version 2, not 1"))
        let listed = try await entries(ws, "acme").first
        #expect(listed?["title"] as? String == "Board (moved)")
        #expect(listed?["location"] as? String == "Room 1")
        #expect(listed?["version"] as? Int == 2)
        #expect(listed?["allDay"] as? Bool == false)
        #expect(listed?["origin"] as? String == "local")
        // And another tenant cannot touch it
        let forbidden = try await ws.calsync(["entries", "delete", id, "--tenant", "globex"])
        #expect(forbidden.exitCode == 1)
        #expect(forbidden.stderr.contains("Forbidden"))
        #expect(try await ws.calsync(["entries", "delete", id, "--tenant", "acme"]).exitCode == 0)
        await #expect(try entries(ws, "acme").isEmpty)
    }

    @Test func allDayEntriesUseExclusiveDates() async throws {
        let ws = try await reconciled()
        let add = try await ws.calsync([
            "entries", "add", "--tenant", "acme", "--title", "Offsite", "--start", "2026-12-01", "--end", "2026-12-02",
            "--all-day",
        ])
        #expect(add.exitCode == 0)
        let entry = try await entries(ws, "acme").first
        #expect(entry?["start"] as? String == "2026-12-01")
        #expect(entry?["end"] as? String == "2026-12-02")
        #expect(entry?["allDay"] as? Bool == true)
        let inside = try await ws.calsync(["entries", "list", "--tenant", "acme", "--from", "2026-12-01T12:00:00Z", "--to", "2026-12-01T13:00:00Z"])
        #expect(inside.stdout.contains("Offsite"))
        let after = try await ws.calsync(["entries", "list", "--tenant", "acme", "--from", "2026-12-02T00:00:00Z"])
        #expect(after.stdout == "No entries.\n")
    }

    @Test(arguments: [
        (["--start", "2026-11-26T11:00:00Z", "--end", "2026-11-26T10:00:00Z"], 1, "is not after the start"),
        (["--start", "2026-11-26T10:00:00Z", "--end", "2026-11-26"], 1, "both be dates"),
        (["--start", "tomorrow", "--end", "2026-11-26T10:00:00Z"], 64, "is not a time"),
        (["--start", "2026-11-26T10:00:00Z", "--end", "2026-11-26T11:00:00Z", "--all-day"], 64, "--all-day needs dates"),
        (["--start", "2026-11-26T10:00:00Z", "--end", "2026-11-26T11:00:00Z", "--time-zone", "Mars/Olympus"], 1, "unknown"),
    ])
    func badEntriesAreRefused(_ flags: [String], _ code: Int32, _ message: String) async throws {
        let ws = try await reconciled()
        let result = try await ws.calsync(["entries", "add", "--tenant", "acme", "--title", "x"] + flags)
        #expect(result.exitCode == code)
        #expect(result.stderr.contains(message), "\(result.stderr)")
        await #expect(try entries(ws, "acme").isEmpty)
    }

    @Test func unknownTenantAndMissingTenant() async throws {
        let ws = try await reconciled()
        let unknown = try await ws.calsync(["entries", "list", "--tenant", "initech"])
        #expect(unknown.exitCode == 1)
        #expect(unknown.stderr.contains("tenant \"initech\" is not in the state"))
        let none = try await ws.calsync(["entries", "list"])
        #expect(none.exitCode == 1)
        #expect(none.stderr.contains("--tenant"))
        let fromEnvironment = try await ws.calsync(["entries", "list"], environment: ["CALSYNC_TENANT": "acme"])
        #expect(fromEnvironment.exitCode == 0)
    }

    @Test(arguments: ["google.ics", "outlook.ics", "apple.ics", "thunderbird.ics", "outlook-display-names.ics"])
    func vendorFilesImportOnceAndRoundTrip(_ file: String) async throws {
        let ws = try await reconciled()
        // Given a file as a vendor exports it, When imported twice
        let first = try await ws.calsync(["entries", "import", "--tenant", "acme", "\(Self.vendors)/\(file)"] + Self.range)
        #expect(first.exitCode == 0, "\(first.stderr)")
        let imported = try await entries(ws, "acme")
        #expect(!imported.isEmpty)
        let second = try await ws.calsync(["entries", "import", "--tenant", "acme", "\(Self.vendors)/\(file)"] + Self.range)
        // Then the second import changes nothing and duplicates nothing
        #expect(second.stdout.contains(" 0 added, 0 updated, \(imported.count) unchanged"), "\(second.stdout)")
        await #expect(try entries(ws, "acme").count == imported.count)
        // And an export read back into another tenant gives the same instants
        let export = try await ws.calsync(["entries", "export", "--tenant", "acme", "--out", "acme.ics"])
        #expect(export.exitCode == 0)
        let text = try #require(ws.read("acme.ics"))
        #expect(text.hasPrefix("BEGIN:VCALENDAR\r\n"))
        #expect(!text.replacingOccurrences(of: "\r\n", with: "").contains("\n"), "every line ends in CRLF")
        let back = try await ws.calsync(["entries", "import", "--tenant", "globex", ws.path + "/acme.ics"] + Self.range)
        #expect(back.exitCode == 0, "\(back.stderr)")
        func instants(_ list: [[String: Any]]) async -> [String] {
            list.map { "\($0["start"] ?? "")|\($0["end"] ?? "")|\($0["title"] ?? "")" }.sorted()
        }
        await #expect(instants(try entries(ws, "globex")) == instants(imported))
        // And re-importing our own export into the same tenant duplicates nothing either
        let own = try await ws.calsync(["entries", "import", "--tenant", "acme", ws.path + "/acme.ics"] + Self.range)
        #expect(own.exitCode == 0)
        await #expect(try entries(ws, "acme").count == imported.count)
    }

    @Test func higherSequenceUpdatesTheImportedEntry() async throws {
        let ws = try await reconciled()
        func calendar(_ sequence: Int, _ title: String) -> String {
            """
            BEGIN:VCALENDAR\r
            VERSION:2.0\r
            PRODID:-//test//EN\r
            BEGIN:VEVENT\r
            UID:standup-1@example.com\r
            DTSTAMP:20261101T000000Z\r
            SEQUENCE:\(sequence)\r
            DTSTART:20261201T090000Z\r
            DTEND:20261201T091500Z\r
            SUMMARY:\(title)\r
            END:VEVENT\r
            END:VCALENDAR\r

            """
        }
        try ws.write("v1.ics", calendar(1, "Standup"))
        try ws.write("v2.ics", calendar(2, "Standup (new room)"))
        try ws.write("v0.ics", calendar(0, "Standup (old)"))
        #expect(try await ws.calsync(["entries", "import", "--tenant", "acme", "v1.ics"] + Self.range).stdout.contains("1 added"))
        #expect(try await ws.calsync(["entries", "import", "--tenant", "acme", "v2.ics"] + Self.range).stdout.contains("1 updated"))
        #expect(try await ws.calsync(["entries", "import", "--tenant", "acme", "v0.ics"] + Self.range).stdout.contains("1 unchanged"))
        let list = try await entries(ws, "acme")
        #expect(list.count == 1)
        #expect(list.first?["title"] as? String == "Standup (new room)")
        #expect(list.first?["version"] as? Int == 2)
    }

    @Test(arguments: ["missing-uid.ics", "end-before-start.ics", "binary.ics", "unterminated-event.ics", "bad-rrule-part.ics"])
    func malformedFilesImportNothing(_ file: String) async throws {
        let ws = try await reconciled()
        let path = "\(Self.malformed)/\(file)"
        let result = try await ws.calsync(["entries", "import", "--tenant", "acme", path] + Self.range)
        #expect(result.exitCode == 1)
        #expect(result.stderr.range(of: "^\\Q\(path)\\E:\\d+: error: ", options: .regularExpression) != nil, "\(result.stderr)")
        #expect(result.stderr.contains("Nothing was imported."))
        await #expect(try entries(ws, "acme").isEmpty)
    }

    @Test func entriesWorkBesideAHeldRunLock() async throws {
        let ws = try await reconciled()
        let holder = LockHolder(id: "serve", command: "calsync serve", pid: 1, host: "h", since: Date())
        let lock = try await StateLock.acquire(databasePath: ws.path + "/.calsync/state.db", holder: holder, timeout: nil)
        defer { lock.release() }
        let add = try await ws.calsync([
            "entries", "add", "--tenant", "acme", "--title", "x", "--start", "2026-12-01", "--end", "2026-12-02",
        ])
        #expect(add.exitCode == 0, "\(add.stderr)")
    }

    @Test func purgeRemovesTheScheduleOnlyWhenConfirmed() async throws {
        let ws = try await reconciled()
        _ = try await ws.calsync(["entries", "import", "--tenant", "globex", "\(Self.vendors)/google.ics"] + Self.range)
        await #expect(try !entries(ws, "globex").isEmpty)
        #expect(try await ws.calsync(["tenants", "purge", "globex", "--confirm", "acme"]).exitCode == 64)
        // Removing the tenant from the manifests keeps its schedule
        try ws.remove("manifests/tenants/globex.yaml")
        #expect(try await ws.calsync(["reconcile"]).exitCode == 3)
        await #expect(try !entries(ws, "globex").isEmpty)
        let purge = try await ws.calsync(["tenants", "purge", "globex", "--confirm", "globex"])
        #expect(purge.exitCode == 0, "\(purge.stderr)")
        #expect(try await ws.calsync(["entries", "list", "--tenant", "globex"]).exitCode == 1)
    }
}
