import CalsyncEmulator
import CalsyncTesting
import Foundation
import Testing

@Suite struct GoogleSyncTests {
    /// Lists every page of a query, returning the items and the final sync token.
    static func listAll(_ session: Session, _ query: String) async throws -> (items: [JSONValue], syncToken: String?, pages: Int) {
        var items: [JSONValue] = []
        var pageToken: String?
        var pages = 0
        while true {
            let suffix = pageToken.map { "&pageToken=\($0)" } ?? ""
            let page = try await session.google("GET", "/calendars/primary/events?\(query)\(suffix)")
            try #require(page.status == 200, "\(page.text)")
            let body = try #require(page.json)
            pages += 1
            items += body["items"]?.arrayValue ?? []
            // Exactly one of nextPageToken / nextSyncToken
            #expect((body["nextPageToken"] == nil) != (body["nextSyncToken"] == nil))
            if let next = body["nextPageToken"]?.stringValue {
                pageToken = next
            } else {
                return (items, body["nextSyncToken"]?.stringValue, pages)
            }
        }
    }

    static func seedEvents(_ session: Session, count: Int) async throws -> [String] {
        var ids: [String] = []
        for index in 0..<count {
            let day = String(format: "%02d", 10 + index)
            let event = try await session.harness.createEvent(
                vendor: .google, calendarID: Fixtures.googleEmail,
                Fixtures.googleEvent("Event \(index)", start: "2026-01-\(day)T09:00:00Z", end: "2026-01-\(day)T10:00:00Z"))
            ids.append(event["id"]?.stringValue ?? "")
        }
        return ids
    }

    @Test func pagingGivesTheSyncTokenOnlyOnTheLastPage() async throws {
        let session = try await Session.start()
        _ = try await Self.seedEvents(session, count: 5)
        let (items, token, pages) = try await Self.listAll(session, "maxResults=2")
        #expect(items.count == 5)
        #expect(pages == 3)
        #expect(token != nil)
        await session.stop()
    }

    @Test func incrementalSyncReturnsChangesAndTombstones() async throws {
        let session = try await Session.start()
        let ids = try await Self.seedEvents(session, count: 3)
        let (_, first, _) = try await Self.listAll(session, "maxResults=250")
        let token = try #require(first)
        // Nothing changed: empty page and the same token
        let quiet = try await session.google("GET", "/calendars/primary/events?syncToken=\(token)")
        #expect(quiet.json?["items"]?.arrayValue?.isEmpty == true)
        #expect(quiet.json?["nextSyncToken"]?.stringValue == token)
        // The owner edits one and deletes another
        try await session.harness.updateEvent(vendor: .google, calendarID: Fixtures.googleEmail, eventID: ids[0], ["summary": "Edited"])
        try await session.harness.deleteEvent(vendor: .google, calendarID: Fixtures.googleEmail, eventID: ids[1])
        let (changes, next, _) = try await Self.listAll(session, "syncToken=\(token)&maxResults=1")
        #expect(changes.count == 2)
        let tombstone = changes.first { $0["id"]?.stringValue == ids[1] }
        #expect(tombstone?["status"] == "cancelled")
        #expect(changes.first { $0["id"]?.stringValue == ids[0] }?["summary"] == "Edited")
        #expect(next != token)
        await session.stop()
    }

    @Test(arguments: ["timeMin=2026-01-01T00:00:00Z", "timeMax=2026-02-01T00:00:00Z", "privateExtendedProperty=a%3Db", "q=x", "orderBy=updated", "updatedMin=2026-01-01T00:00:00Z", "iCalUID=x", "showDeleted=false"])
    func syncTokenRejectsRestrictions(_ restriction: String) async throws {
        let session = try await Session.start()
        let (_, token, _) = try await Self.listAll(session, "maxResults=10")
        let result = try await session.google("GET", "/calendars/primary/events?syncToken=\(token ?? "")&\(restriction)")
        #expect(result.status == 400)
        await session.stop()
    }

    @Test func invalidatedSyncTokenIs410FullSyncRequired() async throws {
        let session = try await Session.start()
        let (_, token, _) = try await Self.listAll(session, "maxResults=10")
        try await session.harness.invalidateGoogleSyncTokens(calendarID: Fixtures.googleEmail)
        let result = try await session.google("GET", "/calendars/primary/events?syncToken=\(token ?? "")")
        #expect(result.status == 410)
        #expect(result.json == [
            "error": [
                "errors": [["domain": "calendar", "reason": "fullSyncRequired", "message": "Sync token is no longer valid, a full sync is required.", "locationType": "parameter", "location": "syncToken"]],
                "code": 410, "message": "Sync token is no longer valid, a full sync is required.",
            ],
        ])
        await session.stop()
    }

    @Test func showDeletedAndTimeWindow() async throws {
        let session = try await Session.start()
        let ids = try await Self.seedEvents(session, count: 3)  // Jan 10, 11, 12, 09:00–10:00
        try await session.harness.deleteEvent(vendor: .google, calendarID: Fixtures.googleEmail, eventID: ids[2])
        #expect(try await Self.listAll(session, "maxResults=10").items.count == 2)
        let withDeleted = try await Self.listAll(session, "showDeleted=true").items
        #expect(withDeleted.count == 3)
        // timeMin bounds the end (exclusive), timeMax bounds the start (exclusive)
        let window = try await Self.listAll(session, "timeMin=2026-01-10T10:00:00Z&timeMax=2026-01-11T09:00:01Z").items
        #expect(window.compactMap { $0["id"]?.stringValue } == [ids[1]])
        await session.stop()
    }

    @Test func privateExtendedPropertyFiltersAreAnded() async throws {
        let session = try await Session.start()
        for (tenant, mapping) in [("acme", "m1"), ("acme", "m2"), ("other", "m1")] {
            _ = try await session.google("POST", "/calendars/primary/events", json: Fixtures.googleEvent(
                "\(tenant) \(mapping)", start: "2026-01-08T09:00:00Z", end: "2026-01-08T10:00:00Z",
                extra: ["extendedProperties": ["private": ["tenant": .string(tenant), "mapping": .string(mapping)]]]))
        }
        let both = try await Self.listAll(session, "privateExtendedProperty=tenant%3Dacme&privateExtendedProperty=mapping%3Dm1").items
        #expect(both.compactMap { $0["summary"]?.stringValue } == ["acme m1"])
        let one = try await Self.listAll(session, "privateExtendedProperty=tenant%3Dacme").items
        #expect(one.count == 2)
        await session.stop()
    }

    @Test func singleEventsExpandsRecurrences() async throws {
        let session = try await Session.start()
        let weekly = Fixtures.googleEvent("Weekly", start: "2026-01-05T10:00:00+01:00", end: "2026-01-05T11:00:00+01:00", extra: [
            "recurrence": ["RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=5"],
            "start": ["dateTime": "2026-01-05T10:00:00+01:00", "timeZone": "Europe/Berlin"],
            "end": ["dateTime": "2026-01-05T11:00:00+01:00", "timeZone": "Europe/Berlin"],
        ])
        let master = try await session.google("POST", "/calendars/primary/events", json: weekly)
        #expect(master.status == 200, "\(master.text)")
        let masterID = master.json?["id"]?.stringValue ?? ""
        let instances = try await Self.listAll(session, "singleEvents=true&orderBy=startTime").items
        #expect(instances.count == 5)
        #expect(instances.first?["recurringEventId"]?.stringValue == masterID)
        #expect(instances.first?["id"]?.stringValue == "\(masterID)_20260105T090000Z")
        #expect(instances.map { $0["start"]?["dateTime"]?.stringValue ?? "" } == [
            "2026-01-05T10:00:00+01:00", "2026-01-07T10:00:00+01:00", "2026-01-12T10:00:00+01:00",
            "2026-01-14T10:00:00+01:00", "2026-01-19T10:00:00+01:00",
        ])
        // Without singleEvents the master comes back once
        #expect(try await Self.listAll(session, "maxResults=10").items.count == 1)
        // A daily rule with UNTIL and INTERVAL, limited by timeMax
        let daily = Fixtures.googleEvent("Daily", start: "2026-02-01T08:00:00Z", end: "2026-02-01T08:30:00Z", extra: [
            "recurrence": ["RRULE:FREQ=DAILY;INTERVAL=2;UNTIL=20260210T080000Z"],
            "start": ["dateTime": "2026-02-01T08:00:00Z", "timeZone": "UTC"],
            "end": ["dateTime": "2026-02-01T08:30:00Z", "timeZone": "UTC"],
        ])
        _ = try await session.google("POST", "/calendars/primary/events", json: daily)
        let february = try await Self.listAll(session, "singleEvents=true&timeMin=2026-02-01T00:00:00Z&timeMax=2026-03-01T00:00:00Z").items
        #expect(february.count == 5)  // Feb 1, 3, 5, 7, 9
        // A monthly rule on the last Friday
        let monthly = Fixtures.googleEvent("Review", start: "2026-03-27T15:00:00Z", end: "2026-03-27T16:00:00Z", extra: [
            "recurrence": ["RRULE:FREQ=MONTHLY;BYDAY=-1FR;COUNT=3"],
            "start": ["dateTime": "2026-03-27T15:00:00Z", "timeZone": "UTC"],
            "end": ["dateTime": "2026-03-27T16:00:00Z", "timeZone": "UTC"],
        ])
        _ = try await session.google("POST", "/calendars/primary/events", json: monthly)
        let reviews = try await Self.listAll(session, "singleEvents=true&timeMin=2026-03-01T00:00:00Z&timeMax=2026-12-01T00:00:00Z").items
        #expect(reviews.map { $0["start"]?["dateTime"]?.stringValue ?? "" }.sorted() == ["2026-03-27T15:00:00Z", "2026-04-24T15:00:00Z", "2026-05-29T15:00:00Z"])
        await session.stop()
    }

    @Test func singleInstancesAreChangedAndCancelledAsExceptions() async throws {
        let session = try await Session.start()
        // Given a daily series of three, and a sync token taken after it
        let daily = Fixtures.googleEvent("Daily", start: "2026-01-05T09:00:00Z", end: "2026-01-05T10:00:00Z", extra: [
            "recurrence": ["RRULE:FREQ=DAILY;COUNT=3"],
            "start": ["dateTime": "2026-01-05T09:00:00Z", "timeZone": "UTC"], "end": ["dateTime": "2026-01-05T10:00:00Z", "timeZone": "UTC"],
        ])
        let series = try #require(try await session.google("POST", "/calendars/primary/events", json: daily).json?["id"]?.stringValue)
        let (before, token, _) = try await Self.listAll(session, "singleEvents=true&showDeleted=true")
        let ids = before.compactMap { $0["id"]?.stringValue }.sorted()
        #expect(ids == ["\(series)_20260105T090000Z", "\(series)_20260106T090000Z", "\(series)_20260107T090000Z"])
        // An instance reads by its id, with the series' etag
        let second = try await session.google("GET", "/calendars/primary/events/\(ids[1])")
        #expect(second.status == 200)
        #expect(second.json?["recurringEventId"]?.stringValue == series)
        let seriesTag = try #require(second.header("etag"))
        // When the second is moved with If-Match and the third cancelled
        let stale = try await session.google("PATCH", "/calendars/primary/events/\(ids[1])", json: ["summary": "x"], headers: ["If-Match": "\"1\""])
        #expect(stale.status == 412)
        let moved = try await session.google(
            "PATCH", "/calendars/primary/events/\(ids[1])",
            json: ["summary": "Moved", "start": ["dateTime": "2026-01-06T15:00:00Z"], "end": ["dateTime": "2026-01-06T16:00:00Z"]],
            headers: ["If-Match": seriesTag])
        #expect(moved.status == 200, "\(moved.text)")
        #expect(moved.json?["id"]?.stringValue == ids[1])
        #expect(moved.json?["recurringEventId"]?.stringValue == series)
        #expect(moved.json?["originalStartTime"]?["dateTime"]?.stringValue == "2026-01-06T09:00:00Z")
        #expect(moved.header("etag") != seriesTag)
        #expect(try await session.google("DELETE", "/calendars/primary/events/\(ids[2])").status == 204)
        #expect(try await session.google("DELETE", "/calendars/primary/events/\(ids[2])").status == 410)
        // Then a listing shows the first as it was, the moved exception, and no third
        let after = try await Self.listAll(session, "singleEvents=true").items
        #expect(after.compactMap { $0["id"]?.stringValue }.sorted() == [ids[0], ids[1]])
        #expect(after.first { $0["id"]?.stringValue == ids[1] }?["summary"] == "Moved")
        #expect(after.first { $0["id"]?.stringValue == ids[0] }?["summary"] == "Daily")
        // And the changes since the token are the two exceptions, the cancelled one naming its series
        let changes = try await Self.listAll(session, "singleEvents=true&syncToken=\(try #require(token))").items
        #expect(changes.compactMap { $0["id"]?.stringValue }.sorted() == [ids[1], ids[2]])
        let cancelled = changes.first { $0["id"]?.stringValue == ids[2] }
        #expect(cancelled?["status"] == "cancelled")
        #expect(cancelled?["recurringEventId"]?.stringValue == series)
        // When the series is deleted, Then its exception is cancelled with it
        #expect(try await session.google("DELETE", "/calendars/primary/events/\(series)").status == 204)
        #expect(try await Self.listAll(session, "singleEvents=true").items.isEmpty)
        #expect(try await session.google("GET", "/calendars/primary/events/\(ids[1])").json?["status"] == "cancelled")
        #expect(try await session.google("GET", "/calendars/primary/events/\(series)_20260108T090000Z").status == 404)
        await session.stop()
    }

    @Test func recurringEventsNeedATimeZone() async throws {
        let session = try await Session.start()
        let result = try await session.google("POST", "/calendars/primary/events", json: Fixtures.googleEvent(
            "No zone", start: "2026-01-05T10:00:00Z", end: "2026-01-05T11:00:00Z", extra: ["recurrence": ["RRULE:FREQ=DAILY;COUNT=2"]]))
        #expect(result.status == 400)
        await session.stop()
    }

    @Test func changesWhilePagingAreNotMissed() async throws {
        let session = try await Session.start()
        _ = try await Self.seedEvents(session, count: 4)
        // Given the first page of a full sync
        let first = try await session.google("GET", "/calendars/primary/events?maxResults=2")
        let pageToken = try #require(first.json?["nextPageToken"]?.stringValue)
        // When an event is created before the last page is read
        let late = try await session.harness.createEvent(vendor: .google, calendarID: Fixtures.googleEmail,
            Fixtures.googleEvent("Late", start: "2026-01-30T09:00:00Z", end: "2026-01-30T10:00:00Z"))
        var token = try await session.google("GET", "/calendars/primary/events?maxResults=2&pageToken=\(pageToken)").json?["nextSyncToken"]?.stringValue
        var next = pageToken
        while token == nil {
            let page = try await session.google("GET", "/calendars/primary/events?maxResults=2&pageToken=\(next)")
            token = page.json?["nextSyncToken"]?.stringValue
            next = page.json?["nextPageToken"]?.stringValue ?? ""
        }
        // Then the next incremental sync reports it
        let changes = try await Self.listAll(session, "syncToken=\(token ?? "")").items
        #expect(changes.contains { $0["id"] == late["id"] })
        await session.stop()
    }
}
