import CalsyncEmulator
import CalsyncTesting
import Foundation
import Testing

@Suite struct GraphEventsTests {
    static let event = Fixtures.graphEvent("Planning", start: "2026-01-06T09:00:00", end: "2026-01-06T10:00:00")
    static let stampID = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name calsyncMapping"

    @Test func createPatchDeleteWithChangeKeys() async throws {
        let session = try await Session.start()
        let created = try await session.graph("POST", "/me/events", json: Self.event)
        #expect(created.status == 201)
        let body = try #require(created.json)
        let id = try #require(body["id"]?.stringValue)
        let changeKey = try #require(body["changeKey"]?.stringValue)
        #expect(body["@odata.etag"]?.stringValue == "W/\"\(changeKey)\"")
        #expect(body["start"] == ["dateTime": "2026-01-06T09:00:00.0000000", "timeZone": "UTC"])
        // PATCH changes the changeKey and keeps other fields
        let patched = try await session.graph("PATCH", "/me/events/\(id)", json: ["location": ["displayName": "Room"]])
        #expect(patched.status == 200)
        #expect(patched.json?["subject"] == "Planning")
        #expect(patched.json?["changeKey"]?.stringValue != changeKey)
        // A stale If-Match is 412 ErrorIrresolvableConflict
        let stale = try await session.graph("PATCH", "/me/events/\(id)", json: ["subject": "x"], headers: ["If-Match": "W/\"\(changeKey)\""])
        #expect(stale.status == 412)
        #expect(stale.json?["error"]?["code"] == "ErrorIrresolvableConflict")
        #expect(stale.json?["error"]?["innerError"]?["request-id"]?.stringValue != nil)
        let current = patched.json?["@odata.etag"]?.stringValue ?? ""
        #expect(try await session.graph("PATCH", "/me/events/\(id)", json: ["subject": "y"], headers: ["If-Match": current]).status == 200)
        // The same event under the calendar path and the users path
        #expect(try await session.graph("GET", "/me/calendars/\(Fixtures.graphCalendar)/events/\(id)").status == 200)
        #expect(try await session.graph("GET", "/users/\(Fixtures.microsoftEmail)/calendar/events/\(id)").json?["subject"] == "y")
        // DELETE is 204; afterwards the event is gone
        #expect(try await session.graph("DELETE", "/me/events/\(id)").status == 204)
        let gone = try await session.graph("GET", "/me/events/\(id)")
        #expect(gone.status == 404)
        #expect(gone.json?["error"]?["code"] == "ErrorItemNotFound")
        await session.stop()
    }

    @Test func calendarsAndOtherUsers() async throws {
        let session = try await Session.start()
        let calendars = try await session.graph("GET", "/me/calendars")
        #expect(calendars.json?["value"]?.arrayValue?.count == 2)
        #expect(try await session.graph("GET", "/me/calendar").json?["id"]?.stringValue == Fixtures.graphCalendar)
        #expect(try await session.graph("GET", "/users/\(Fixtures.microsoftUserID)/calendars/\(Fixtures.graphWork)").json?["name"] == "Work")
        #expect(try await session.graph("GET", "/me/calendars/nope").status == 404)
        try await session.harness.seed(EmulatorFixture(accounts: [AccountFixture(vendor: .microsoft, email: "carol@example.com", calendars: [CalendarFixture(name: "C")])]))
        #expect(try await session.graph("GET", "/users/carol@example.com/events").status == 403)
        await session.stop()
    }

    @Test func transactionIdDeduplicatesCreates() async throws {
        let session = try await Session.start()
        var body = Self.event.objectValue ?? [:]
        body["transactionId"] = "txn-42"
        let first = try await session.graph("POST", "/me/events", json: .object(body))
        let second = try await session.graph("POST", "/me/events", json: .object(body))
        #expect(first.status == 201)
        #expect(second.status == 201)
        #expect(first.json?["id"] == second.json?["id"])
        #expect(first.json?["transactionId"] == "txn-42")
        #expect(try await session.harness.events(vendor: .microsoft, calendarID: Fixtures.graphCalendar).count == 1)
        await session.stop()
    }

    @Test func extendedPropertiesAreHiddenUnlessExpandedAndFilterable() async throws {
        let session = try await Session.start()
        var body = Self.event.objectValue ?? [:]
        body["singleValueExtendedProperties"] = [["id": .string(Self.stampID), "value": "acme/m1"]]
        let created = try await session.graph("POST", "/me/calendars/\(Fixtures.graphCalendar)/events", json: .object(body))
        let id = created.json?["id"]?.stringValue ?? ""
        #expect(created.json?["singleValueExtendedProperties"] == nil)
        _ = try await session.graph("POST", "/me/events", json: Fixtures.graphEvent("Other", start: "2026-01-07T09:00:00", end: "2026-01-07T10:00:00"))
        // $expand returns the named property
        let expand = "$expand=" + "singleValueExtendedProperties($filter=id eq '\(Self.stampID)')".addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let expanded = try await session.graph("GET", "/me/events/\(id)?\(expand)")
        #expect(expanded.json?["singleValueExtendedProperties"] == [["id": .string(Self.stampID), "value": "acme/m1"]])
        // $filter finds exactly the stamped event
        let filter = "singleValueExtendedProperties/any(ep: ep/id eq '\(Self.stampID)' and ep/value eq 'acme/m1')"
        let found = try await session.graph("GET", "/me/calendars/\(Fixtures.graphCalendar)/events?$filter=\(filter.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)")
        #expect(found.json?["value"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [id])
        await session.stop()
    }

    @Test func eventListsPageWithTop() async throws {
        let session = try await Session.start()
        for index in 0..<3 {
            _ = try await session.graph("POST", "/me/events", json: Fixtures.graphEvent("E\(index)", start: "2026-01-0\(index + 1)T09:00:00", end: "2026-01-0\(index + 1)T10:00:00"))
        }
        let first = try await session.graph("GET", "/me/events?$top=2")
        #expect(first.json?["value"]?.arrayValue?.count == 2)
        let next = try #require(first.json?["@odata.nextLink"]?.stringValue)
        #expect(next.hasPrefix(session.harness.baseURL))
        let second = try await session.graph("GET", next)
        #expect(second.json?["value"]?.arrayValue?.count == 1)
        #expect(second.json?["@odata.nextLink"] == nil)
        await session.stop()
    }
}
