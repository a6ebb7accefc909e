import CalsyncEmulator
import CalsyncTesting
import Foundation
import Testing

@Suite struct GraphDeltaTests {
    static let window = "startDateTime=2026-01-01T00:00:00Z&endDateTime=2026-02-01T00:00:00Z"

    /// Follows nextLinks to the deltaLink; returns all values and the deltaLink.
    static func round(_ session: Session, _ first: String, pageSize: Int = 2) async throws -> (values: [JSONValue], deltaLink: String, pages: Int) {
        var url = first
        var values: [JSONValue] = []
        var pages = 0
        while true {
            let page = try await session.graph("GET", url, headers: ["Prefer": "odata.maxpagesize=\(pageSize)"])
            try #require(page.status == 200, "\(page.text)")
            pages += 1
            values += page.json?["value"]?.arrayValue ?? []
            #expect((page.json?["@odata.nextLink"] == nil) != (page.json?["@odata.deltaLink"] == nil))
            if let next = page.json?["@odata.nextLink"]?.stringValue {
                #expect(next.hasPrefix(session.harness.baseURL + "/graph/v1.0/"))
                #expect(next.contains("$skiptoken="))
                url = next
            } else {
                let delta = try #require(page.json?["@odata.deltaLink"]?.stringValue)
                #expect(delta.contains("$deltatoken="))
                return (values, delta, pages)
            }
        }
    }

    static func seed(_ session: Session) async throws -> [String] {
        var ids: [String] = []
        for (index, day) in ["05", "06", "07", "08", "09"].enumerated() {
            let event = try await session.harness.createEvent(
                vendor: .microsoft, calendarID: Fixtures.graphCalendar,
                Fixtures.graphEvent("E\(index)", start: "2026-01-\(day)T09:00:00", end: "2026-01-\(day)T10:00:00"))
            ids.append(event["id"]?.stringValue ?? "")
        }
        _ = try await session.harness.createEvent(
            vendor: .microsoft, calendarID: Fixtures.graphCalendar,
            Fixtures.graphEvent("Outside", start: "2026-03-01T09:00:00", end: "2026-03-01T10:00:00"))
        return ids
    }

    @Test func initialRoundPagesThroughEventsInTheWindow() async throws {
        let session = try await Session.start()
        _ = try await Self.seed(session)
        let (values, _, pages) = try await Self.round(session, "/me/calendarView/delta?\(Self.window)")
        #expect(values.count == 5)
        #expect(pages == 3)
        #expect(!values.contains { $0["subject"] == "Outside" })
        let page = try await session.graph("GET", "/me/calendarView/delta?\(Self.window)", headers: ["Prefer": "odata.maxpagesize=2"])
        #expect(page.header("preference-applied") == "odata.maxpagesize=2")
        await session.stop()
    }

    @Test func laterRoundsReportChangesAndRemovals() async throws {
        let session = try await Session.start()
        let ids = try await Self.seed(session)
        let (_, deltaLink, _) = try await Self.round(session, "/me/calendars/\(Fixtures.graphCalendar)/calendarView/delta?\(Self.window)")
        // Quiet round: nothing
        let (quiet, deltaLink2, _) = try await Self.round(session, deltaLink)
        #expect(quiet.isEmpty)
        // The owner edits one, deletes one, moves one out of the window, adds one
        try await session.harness.updateEvent(vendor: .microsoft, calendarID: Fixtures.graphCalendar, eventID: ids[0], ["subject": "Edited"])
        try await session.harness.deleteEvent(vendor: .microsoft, calendarID: Fixtures.graphCalendar, eventID: ids[1])
        try await session.harness.updateEvent(vendor: .microsoft, calendarID: Fixtures.graphCalendar, eventID: ids[2], [
            "start": ["dateTime": "2026-04-01T09:00:00", "timeZone": "UTC"], "end": ["dateTime": "2026-04-01T10:00:00", "timeZone": "UTC"],
        ])
        let added = try await session.harness.createEvent(vendor: .microsoft, calendarID: Fixtures.graphCalendar,
            Fixtures.graphEvent("New", start: "2026-01-20T09:00:00", end: "2026-01-20T10:00:00"))
        let (changes, _, _) = try await Self.round(session, deltaLink2, pageSize: 1)
        func entry(_ id: String) -> JSONValue? { changes.first { $0["id"]?.stringValue == id } }
        #expect(changes.count == 4)
        #expect(entry(ids[0])?["subject"] == "Edited")
        #expect(entry(ids[1])?["@removed"] == ["reason": "deleted"])
        #expect(entry(ids[2])?["@removed"] == ["reason": "changed"])
        #expect(entry(added["id"]?.stringValue ?? "")?["subject"] == "New")
        await session.stop()
    }

    @Test func invalidatedStateIs410SyncStateNotFound() async throws {
        let session = try await Session.start()
        _ = try await Self.seed(session)
        let (_, deltaLink, _) = try await Self.round(session, "/me/calendarView/delta?\(Self.window)")
        try await session.harness.invalidateGraphDelta(calendarID: Fixtures.graphCalendar)
        let gone = try await session.graph("GET", deltaLink)
        #expect(gone.status == 410)
        #expect(gone.json?["error"]?["code"] == "SyncStateNotFound")
        #expect(gone.json?["error"]?["innerError"]?["request-id"]?.stringValue != nil)
        await session.stop()
    }

    @Test func theWindowIsRequired() async throws {
        let session = try await Session.start()
        let result = try await session.graph("GET", "/me/calendarView/delta")
        #expect(result.status == 400)
        await session.stop()
    }

    @Test func usersPathAndEventsAddedWhilePaging() async throws {
        let session = try await Session.start()
        _ = try await Self.seed(session)
        let path = "/users/\(Fixtures.microsoftUserID)/calendarView/delta?\(Self.window)"
        let first = try await session.graph("GET", path, headers: ["Prefer": "odata.maxpagesize=2"])
        let next = try #require(first.json?["@odata.nextLink"]?.stringValue)
        #expect(next.contains("/graph/v1.0/users/\(Fixtures.microsoftUserID)/calendarView/delta?"))
        // An event added mid-round shows up by the next round at the latest
        let added = try await session.harness.createEvent(vendor: .microsoft, calendarID: Fixtures.graphCalendar,
            Fixtures.graphEvent("Mid", start: "2026-01-15T09:00:00", end: "2026-01-15T10:00:00"))
        let (rest, deltaLink, _) = try await Self.round(session, next)
        let (later, _, _) = try await Self.round(session, deltaLink)
        let seen = (rest + later).contains { $0["id"] == added["id"] }
        #expect(seen)
        await session.stop()
    }
}

@Suite struct GraphRecurrenceTests {
    @Test func deltaExpandsSeriesIntoOccurrences() async throws {
        let session = try await Session.start()
        let series = Fixtures.graphEvent("Weekly sync", start: "2026-01-05T09:00:00", end: "2026-01-05T09:30:00", extra: [
            "recurrence": [
                "pattern": ["type": "weekly", "interval": 1, "daysOfWeek": ["monday", "thursday"]],
                "range": ["type": "numbered", "startDate": "2026-01-05", "numberOfOccurrences": 4],
            ],
        ])
        let master = try await session.graph("POST", "/me/events", json: series)
        #expect(master.json?["type"] == "seriesMaster")
        let masterID = master.json?["id"]?.stringValue ?? ""
        // The initial round returns the occurrences, not the master
        let (values, deltaLink, _) = try await GraphDeltaTests.round(session, "/me/calendarView/delta?\(GraphDeltaTests.window)", pageSize: 3)
        #expect(values.count == 4)
        #expect(values.allSatisfy { $0["type"] == "occurrence" && $0["seriesMasterId"]?.stringValue == masterID })
        #expect(values.compactMap { $0["start"]?["dateTime"]?.stringValue }.sorted() == [
            "2026-01-05T09:00:00.0000000", "2026-01-08T09:00:00.0000000", "2026-01-12T09:00:00.0000000",
            "2026-01-15T09:00:00.0000000",
        ])
        // Deleting the series removes every occurrence
        #expect(try await session.graph("DELETE", "/me/events/\(masterID)").status == 204)
        let (removed, _, _) = try await GraphDeltaTests.round(session, deltaLink)
        #expect(removed.count == 4)
        #expect(removed.allSatisfy { $0["@removed"] == ["reason": "deleted"] })
        await session.stop()
    }

    @Test func singleOccurrencesAreChangedAndDeletedAsExceptions() async throws {
        let session = try await Session.start()
        // Given a daily series of three, read in a first round
        let daily = Fixtures.graphEvent("Daily", start: "2026-01-05T09:00:00", end: "2026-01-05T10:00:00", extra: [
            "recurrence": ["pattern": ["type": "daily", "interval": 1], "range": ["type": "numbered", "startDate": "2026-01-05", "numberOfOccurrences": 3]]
        ])
        let masterID = try #require(try await session.graph("POST", "/me/events", json: daily).json?["id"]?.stringValue)
        let (first, deltaLink, _) = try await GraphDeltaTests.round(session, "/me/calendarView/delta?\(GraphDeltaTests.window)", pageSize: 5)
        let ids = first.compactMap { $0["id"]?.stringValue }.sorted()
        #expect(ids == ["\(masterID)_20260105T090000Z", "\(masterID)_20260106T090000Z", "\(masterID)_20260107T090000Z"])
        // An occurrence reads by its id, with the series' etag
        let second = try await session.graph("GET", "/me/events/\(ids[1])")
        #expect(second.json?["type"] == "occurrence")
        let seriesTag = try #require(second.json?["@odata.etag"]?.stringValue)
        // When the second is renamed with If-Match and the third deleted
        #expect(try await session.graph("PATCH", "/me/events/\(ids[1])", json: ["subject": "x"], headers: ["If-Match": "W/\"stale\""]).status == 412)
        let renamed = try await session.graph("PATCH", "/me/events/\(ids[1])", json: ["subject": "Renamed"], headers: ["If-Match": seriesTag])
        #expect(renamed.status == 200, "\(renamed.text)")
        #expect(renamed.json?["type"] == "exception")
        #expect(renamed.json?["seriesMasterId"]?.stringValue == masterID)
        #expect(renamed.json?["@odata.etag"]?.stringValue != seriesTag)
        #expect(try await session.graph("DELETE", "/me/events/\(ids[2])").status == 204)
        #expect(try await session.graph("GET", "/me/events/\(ids[2])").status == 404)
        // Then the next round reports the exception and the removal, and a new round sees two events
        let (changes, nextLink, _) = try await GraphDeltaTests.round(session, deltaLink)
        #expect(changes.count == 2)
        #expect(changes.first { $0["id"]?.stringValue == ids[1] }?["subject"] == "Renamed")
        #expect(changes.first { $0["id"]?.stringValue == ids[2] }?["@removed"] == ["reason": "deleted"])
        let fresh = try await GraphDeltaTests.round(session, "/me/calendarView/delta?\(GraphDeltaTests.window)", pageSize: 5).values
        #expect(fresh.compactMap { $0["id"]?.stringValue }.sorted() == [ids[0], ids[1]])
        #expect(fresh.first { $0["id"]?.stringValue == ids[0] }?["type"] == "occurrence")
        // When the series is deleted, Then the exception goes with it
        #expect(try await session.graph("DELETE", "/me/events/\(masterID)").status == 204)
        let (removed, _, _) = try await GraphDeltaTests.round(session, nextLink)
        #expect(Set(removed.compactMap { $0["id"]?.stringValue }) == [ids[0], ids[1]])
        #expect(removed.allSatisfy { $0["@removed"] == ["reason": "deleted"] })
        await session.stop()
    }
}
