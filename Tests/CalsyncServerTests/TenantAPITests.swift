import CalsyncModel
import CalsyncServer
import CalsyncTesting
import Foundation
import Testing

/// The tenant HTTP API: bearer tokens, scoping, and the entry lifecycle.
@Suite struct TenantAPITests {
    static func bearer(_ token: String) -> [String: String] { ["Authorization": "Bearer \(token)"] }
    static let entry = #"{"title": "Board meeting", "start": "2026-12-01T10:00:00Z", "end": "2026-12-01T11:00:00Z", "timeZone": "Europe/Berlin"}"#

    @Test func tokensDecideWhoMayActOnATenant() async throws {
        let fixture = try await ServerFixture()
        let path = "/api/v1/tenants/acme/entries"
        let none = try await fixture.send("GET", path)
        #expect(none.status == 401)
        #expect(none.json?["error"]?.stringValue == "Unauthorized")
        #expect(none.header("www-authenticate") == "Bearer")
        #expect(try await fixture.send("GET", path, headers: ["Authorization": "Basic eDp5"]).status == 401)
        #expect(try await fixture.send("GET", path, headers: Self.bearer("wrong")).status == 401)
        let other = try await fixture.send("GET", path, headers: Self.bearer(ServerFixture.globexToken))
        #expect(other.status == 403)
        #expect(other.json?["error"]?.stringValue == "Forbidden")
        #expect(!other.text.contains(ServerFixture.globexToken) && !other.text.contains(ServerFixture.acmeToken))
        let closed = try await fixture.send("GET", "/api/v1/tenants/initech/entries", headers: Self.bearer("anything"))
        #expect(closed.status == 403)
        #expect(closed.json?["error"]?.stringValue == "ApiClosed")
        #expect(try await fixture.send("GET", "/api/v1/tenants/nobody/entries", headers: Self.bearer("x")).status == 401)
        #expect(try await fixture.send("GET", "/api/v1/tenants/nobody/entries", headers: Self.bearer(ServerFixture.acmeToken)).status == 403)
        let mine = try await fixture.send("GET", path, headers: Self.bearer(ServerFixture.acmeToken))
        #expect(mine.status == 200)
        #expect(mine.text == "{\n  \"entries\": []\n}\n")
        try await fixture.stop()
    }

    @Test func entriesAreCreatedListedChangedAndDeleted() async throws {
        let fixture = try await ServerFixture()
        let auth = Self.bearer(ServerFixture.acmeToken)
        let base = "/api/v1/tenants/acme/entries"
        // Created: 201 with the stored entry
        let created = try await fixture.send("POST", base, headers: auth, json: Self.entry)
        #expect(created.status == 201, "\(created.text)")
        let id = try #require(created.json?["id"]?.stringValue)
        #expect(created.json?["version"]?.intValue == 1)
        #expect(created.json?["origin"]?.stringValue == "local")
        #expect(created.json?["allDay"] == .bool(false))
        #expect(created.header("location") == "\(base)/\(id)")
        let stored = try fixture.store.entry(EntryID(rawValue: id), tenant: TenantName(rawValue: "acme")!)
        #expect(stored.title == "Board meeting" && stored.timeZone == "Europe/Berlin")
        // Listed, with from/to filters
        let listed = try await fixture.send("GET", base + "?from=2026-12-01T10:30:00Z&to=2026-12-02", headers: auth)
        #expect(listed.json?["entries"]?.arrayValue?.count == 1)
        let outside = try await fixture.send("GET", base + "?from=2026-12-02", headers: auth)
        #expect(outside.json?["entries"]?.arrayValue?.count == 0)
        #expect(try await fixture.send("GET", base + "?from=yesterday", headers: auth).status == 400)
        // Changed only at the version named
        let stale = try await fixture.send(
            "PATCH", "\(base)/\(id)", headers: auth.merging(["If-Match": "\"7\""]) { $1 }, json: #"{"title": "Renamed"}"#)
        #expect(stale.status == 412)
        #expect(stale.json?["error"]?.stringValue == "PreconditionFailed")
        let changed = try await fixture.send(
            "PATCH", "\(base)/\(id)", headers: auth.merging(["If-Match": "1"]) { $1 }, json: #"{"title": "Renamed"}"#)
        #expect(changed.status == 200)
        #expect(changed.json?["version"]?.intValue == 2)
        #expect(changed.json?["title"]?.stringValue == "Renamed")
        #expect(changed.header("etag") == "\"2\"")
        // Not reachable through another tenant
        #expect(try await fixture.send("GET", "/api/v1/tenants/globex/entries/\(id)", headers: Self.bearer(ServerFixture.globexToken)).status == 403)
        #expect(try await fixture.send("DELETE", "/api/v1/tenants/globex/entries/\(id)", headers: Self.bearer(ServerFixture.globexToken)).status == 403)
        // Deleted: 204, then 404
        #expect(try await fixture.send("DELETE", "\(base)/\(id)", headers: auth.merging(["If-Match": "1"]) { $1 }).status == 412)
        let deleted = try await fixture.send("DELETE", "\(base)/\(id)", headers: auth)
        #expect(deleted.status == 204)
        #expect(deleted.body.isEmpty)
        #expect(try await fixture.send("GET", "\(base)/\(id)", headers: auth).status == 404)
        #expect(try await fixture.send("PATCH", "\(base)/\(id)", headers: auth, json: #"{"title": "x"}"#).status == 404)
        try await fixture.stop()
    }

    /// Bodies and what is said about them.
    static let badBodies: [(String, String)] = [
        ("", "not a JSON object"),
        ("[]", "not a JSON object"),
        (#"{"title": "x", "start": "2026-12-01T10:00:00Z"}"#, "needs \"title\", \"start\" and \"end\""),
        (#"{"id": "e1", "title": "x", "start": "2026-12-01T10:00:00Z", "end": "2026-12-01T11:00:00Z"}"#, "\"id\" is set by the server"),
        (#"{"colour": "red"}"#, "unknown field \"colour\""),
        (#"{"title": 5, "start": "2026-12-01T10:00:00Z", "end": "2026-12-01T11:00:00Z"}"#, "\"title\" must be a string"),
        (#"{"title": "x", "start": "soon", "end": "2026-12-01T11:00:00Z"}"#, "\"start\" \"soon\" is not a time"),
        (#"{"title": "x", "start": "2026-12-01T11:00:00Z", "end": "2026-12-01T10:00:00Z"}"#, "is not after the start"),
        (#"{"title": "x", "start": "2026-12-01", "end": "2026-12-02", "allDay": false}"#, "\"allDay\" is false"),
        (#"{"title": "x", "start": "2026-12-01", "end": "2026-12-02", "allDay": 1}"#, "\"allDay\" must be true or false"),
        (#"{"title": "x", "description": null, "start": "2026-12-01", "end": "2026-12-02"}"#, "null cannot clear a field"),
    ]

    @Test(arguments: badBodies)
    func badBodiesGet400SayingWhy(body: String, says: String) async throws {
        let fixture = try await ServerFixture()
        let response = try await fixture.send("POST", "/api/v1/tenants/acme/entries", headers: Self.bearer(ServerFixture.acmeToken), json: body)
        #expect(response.status == 400)
        #expect(response.json?["error"]?.stringValue == "BadRequest")
        #expect(response.json?["message"]?.stringValue?.contains(says) == true, "\(response.text)")
        #expect(try fixture.store.entries(tenant: TenantName(rawValue: "acme")!).isEmpty)
        try await fixture.stop()
    }

    @Test func allDayEntriesUseDates() async throws {
        let fixture = try await ServerFixture()
        let response = try await fixture.send(
            "POST", "/api/v1/tenants/acme/entries", headers: Self.bearer(ServerFixture.acmeToken),
            json: #"{"title": "Offsite", "start": "2026-11-24", "end": "2026-11-25", "allDay": true}"#)
        #expect(response.status == 201)
        #expect(response.json?["start"]?.stringValue == "2026-11-24")
        #expect(response.json?["allDay"] == .bool(true))
        try await fixture.stop()
    }

    @Test func providersAreTheTenantsCards() async throws {
        let fixture = try await ServerFixture()
        let response = try await fixture.send("GET", "/api/v1/tenants/globex/providers", headers: Self.bearer(ServerFixture.globexToken))
        #expect(response.status == 200)
        #expect(response.header("content-type")?.hasPrefix("application/json") == true)
        let cards = try #require(response.json?["providers"]?.arrayValue)
        #expect(cards.count == 1)
        #expect(cards.first?["metadata"]?["tenant"]?.stringValue == "globex")
        #expect(try await fixture.send("GET", "/api/v1/tenants/globex/providers", headers: Self.bearer(ServerFixture.acmeToken)).status == 403)
        try await fixture.stop()
    }

    @Test func unknownRoutesAndMethodsAnswerJSON() async throws {
        let fixture = try await ServerFixture()
        let missing = try await fixture.send("GET", "/nothing/here")
        #expect(missing.status == 404)
        #expect(missing.json?["error"]?.stringValue == "NotFound")
        let method = try await fixture.send("PUT", "/api/v1/tenants/acme/entries")
        #expect(method.status == 405)
        #expect(method.header("allow") == "GET, POST")
        try await fixture.stop()
    }
}
