import CalsyncEmulator
import CalsyncTesting
import Foundation
import Testing

@Suite struct GoogleEventsTests {
    static let event = Fixtures.googleEvent("Standup", start: "2026-01-06T09:00:00Z", end: "2026-01-06T09:15:00Z")

    @Test func calendarListAndCalendarGet() async throws {
        let session = try await Session.start()
        let list = try await session.google("GET", "/users/me/calendarList")
        #expect(list.status == 200)
        let ids = list.json?["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(ids.contains(Fixtures.googleEmail))
        #expect(ids.contains(Fixtures.teamCalendar))
        #expect(try await session.google("GET", "/calendars/primary").json?["id"]?.stringValue == Fixtures.googleEmail)
        let missing = try await session.google("GET", "/calendars/nobody@example.com")
        #expect(missing.status == 404)
        #expect(missing.json?["error"]?["errors"]?.arrayValue?.first?["reason"] == "notFound")
        await session.stop()
    }

    @Test func insertGetPatchPutDelete() async throws {
        let session = try await Session.start()
        // Insert
        let created = try await session.google("POST", "/calendars/primary/events", json: Self.event)
        #expect(created.status == 200)
        let id = try #require(created.json?["id"]?.stringValue)
        let etag1 = try #require(created.json?["etag"]?.stringValue)
        #expect(created.json?["status"] == "confirmed")
        #expect(created.json?["kind"] == "calendar#event")
        // Patch keeps other fields and changes the etag
        let patched = try await session.google("PATCH", "/calendars/primary/events/\(id)", json: ["location": "Room 1"])
        #expect(patched.json?["summary"] == "Standup")
        #expect(patched.json?["location"] == "Room 1")
        let etag2 = try #require(patched.json?["etag"]?.stringValue)
        #expect(etag2 != etag1)
        // Put replaces
        let put = try await session.google("PUT", "/calendars/primary/events/\(id)", json: Fixtures.googleEvent("Renamed", start: "2026-01-06T10:00:00Z", end: "2026-01-06T10:30:00Z"))
        #expect(put.json?["location"] == nil)
        #expect(put.json?["summary"] == "Renamed")
        // Put without end is 400
        let missingEnd = try await session.google("PUT", "/calendars/primary/events/\(id)", json: ["summary": "x", "start": ["dateTime": "2026-01-06T10:00:00Z"]])
        #expect(missingEnd.status == 400)
        // Delete: 204, then get shows the tombstone, then delete again is 410 deleted
        let deleted = try await session.google("DELETE", "/calendars/primary/events/\(id)")
        #expect(deleted.status == 204)
        #expect(deleted.body.isEmpty)
        let tombstone = try await session.google("GET", "/calendars/primary/events/\(id)")
        #expect(tombstone.status == 200)
        #expect(tombstone.json?["status"] == "cancelled")
        let again = try await session.google("DELETE", "/calendars/primary/events/\(id)")
        #expect(again.status == 410)
        #expect(again.json?["error"]?["errors"]?.arrayValue?.first?["reason"] == "deleted")
        await session.stop()
    }

    @Test func clientChosenIdsAreValidatedAndNeverReused() async throws {
        let session = try await Session.start()
        var body = Self.event.objectValue ?? [:]
        body["id"] = "abc0123def"
        #expect(try await session.google("POST", "/calendars/primary/events", json: .object(body)).json?["id"] == "abc0123def")
        let duplicate = try await session.google("POST", "/calendars/primary/events", json: .object(body))
        #expect(duplicate.status == 409)
        #expect(duplicate.json?["error"]?["errors"]?.arrayValue?.first?["reason"] == "duplicate")
        // Reusing a deleted event's id is still a conflict
        _ = try await session.google("DELETE", "/calendars/primary/events/abc0123def")
        #expect(try await session.google("POST", "/calendars/primary/events", json: .object(body)).status == 409)
        for invalid in ["abcd", "UPPERCASE1", "has-dash1", "wxyz12345"] {
            body["id"] = .string(invalid)
            let result = try await session.google("POST", "/calendars/primary/events", json: .object(body))
            #expect(result.status == 400, "id \(invalid)")
        }
        await session.stop()
    }

    @Test func ifMatchAndIfNoneMatch() async throws {
        let session = try await Session.start()
        let created = try await session.google("POST", "/calendars/primary/events", json: Self.event)
        let id = created.json?["id"]?.stringValue ?? ""
        let etag = created.json?["etag"]?.stringValue ?? ""
        // If-None-Match with the current etag is 304
        let notModified = try await session.google("GET", "/calendars/primary/events/\(id)", headers: ["If-None-Match": etag])
        #expect(notModified.status == 304)
        // The owner edits it in their own app
        try await session.harness.updateEvent(vendor: .google, calendarID: Fixtures.googleEmail, eventID: id, ["summary": "Moved"])
        // A stale If-Match is 412 conditionNotMet
        let stale = try await session.google("PATCH", "/calendars/primary/events/\(id)", json: ["summary": "Mine"], headers: ["If-Match": etag])
        #expect(stale.status == 412)
        let error = stale.json?["error"]?["errors"]?.arrayValue?.first
        #expect(error == ["domain": "global", "reason": "conditionNotMet", "message": "Precondition Failed", "locationType": "header", "location": "If-Match"])
        // The current etag succeeds
        let current = try await session.google("GET", "/calendars/primary/events/\(id)").json?["etag"]?.stringValue ?? ""
        let ok = try await session.google("PATCH", "/calendars/primary/events/\(id)", json: ["summary": "Mine"], headers: ["If-Match": current])
        #expect(ok.status == 200)
        await session.stop()
    }

    @Test func extendedPropertiesAreStoredAndPatchedByKey() async throws {
        let session = try await Session.start()
        let body = Fixtures.googleEvent("Owned", start: "2026-01-07T09:00:00Z", end: "2026-01-07T10:00:00Z", extra: [
            "extendedProperties": ["private": ["calsyncTenant": "acme", "calsyncMapping": "m1"], "shared": ["visible": "yes"]],
        ])
        let id = try await session.google("POST", "/calendars/primary/events", json: body).json?["id"]?.stringValue ?? ""
        let patched = try await session.google("PATCH", "/calendars/primary/events/\(id)", json: ["extendedProperties": ["private": ["calsyncMapping": "m2"]]])
        #expect(patched.json?["extendedProperties"]?["private"] == ["calsyncTenant": "acme", "calsyncMapping": "m2"])
        let raw = try await session.harness.events(vendor: .google, calendarID: Fixtures.googleEmail)
        #expect(raw.first?["extendedProperties"]?["shared"]?["visible"] == "yes")
        await session.stop()
    }
}
