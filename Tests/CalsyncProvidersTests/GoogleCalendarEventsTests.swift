import CalsyncEmulator
import CalsyncModel
import CalsyncProviders
import CalsyncTesting
import Foundation
import Testing

@Suite struct GoogleCalendarEventsTests {
    static let insertPath = "/google/calendar/v3/calendars/primary/events"

    static func key(_ mapping: String, generation: Int = 1) -> String {
        CalendarClients.idempotencyKey(vendor: .google, stamp: Drafts.stamp(mapping), generation: generation)
    }

    /// The raw stored event (extended properties and all) through the control API.
    static func raw(_ rig: CalendarRig, _ id: String) async throws -> CalsyncEmulator.JSONValue? {
        try await rig.harness.events(vendor: .google, calendarID: World.googleEmail).first { $0["id"]?.stringValue == id }
    }

    @Test func createsRunFourAtATimeAndAnswerInTheirOrder() async throws {
        let rig = try await CalendarRig.start(.google)
        defer { Task { await rig.harness.stop() } }
        let counter = InFlightCounter(rig.transport())
        let client = try rig.google(transport: counter)
        // Given every insert takes 150 ms at Google, and twelve drafts, the fifth with a key Google refuses
        try await rig.harness.injectFault(FaultRule(method: "POST", path: Self.insertPath, delayMilliseconds: 150))
        let drafts = (0..<12).map { index in
            (
                Drafts.timed("Event \(index)", mapping: "m-\(index)", start: World.start.addingTimeInterval(Double(index) * 3600)),
                idempotencyKey: index == 4 ? "x" : Self.key("m-\(index)")
            )
        }
        // When they are created in one call
        let results = try await client.createEvents(calendarId: "primary", drafts)
        // Then four inserts at a time reached Google, the refused key none
        #expect(counter.maximum == 4)
        #expect(counter.total == 11)
        // And each result stands where its draft stood
        #expect(results.count == 12)
        for (index, result) in results.enumerated() {
            switch result {
            case .success(let event): #expect(index != 4 && event.id == Self.key("m-\(index)"), "result \(index)")
            case .failure(let error): #expect(index == 4 && error is CalendarClientError, "result \(index): \(error)")
            }
        }
        #expect(try await rig.harness.events(vendor: .google, calendarID: World.googleEmail).count == 11)
    }

    @Test func createCarriesTheKeyAsIdAndTheStampAndIsFoundByIt() async throws {
        let rig = try await CalendarRig.start(.google)
        defer { Task { await rig.harness.stop() } }
        let client = try rig.google()
        let draft = Drafts.timed(
            "Board", mapping: "m-1", start: World.start.addingTimeInterval(86_400), timeZone: "Europe/Berlin",
            description: "Quarterly", location: "Room 4")
        // When
        let created = try await client.createEvent(calendarId: "primary", draft, idempotencyKey: Self.key("m-1"))
        // Then the event has the client-chosen id, the fields and the stamp
        #expect(created.id == Self.key("m-1"))
        #expect(created.title == "Board" && created.description == "Quarterly" && created.location == "Room 4")
        #expect(created.start == draft.start && created.end == draft.end)
        #expect(created.timeZone == "Europe/Berlin")
        #expect(created.stamp == draft.stamp)
        let stored = try #require(try await Self.raw(rig, created.id))
        #expect(stored["extendedProperties"]?["private"]?["calsync"]?.stringValue == "acme/main/m-1")
        // When looked up by id and by stamp, then the same event
        #expect(try await client.event(calendarId: "primary", id: created.id) == created)
        #expect(try await client.event(calendarId: "primary", stampedWith: draft.stamp)?.id == created.id)
        #expect(try await client.event(calendarId: "primary", stampedWith: Drafts.stamp("m-2")) == nil)
        // And an incremental read carries the stamp
        let round = try await client.changes(calendarId: "primary", cursor: nil, window: CalendarRig.window)
        #expect(round.events.first { $0.id == created.id }?.stamp == draft.stamp)
    }

    @Test func aCreateWhoseAnswerWasLostIsSentAgainAndLeavesOneEvent() async throws {
        let rig = try await CalendarRig.start(.google)
        defer { Task { await rig.harness.stop() } }
        let client = try rig.google()
        // Given the vendor creates the event, then drops the connection (the create is the client's first request)
        try await rig.harness.injectFault(FaultRule(method: "POST", path: Self.insertPath, drop: .after, count: 1))
        let draft = Drafts.timed("Lost", mapping: "m-lost", start: World.start.addingTimeInterval(3600))
        // When
        let created = try await client.createEvent(calendarId: "primary", draft, idempotencyKey: Self.key("m-lost"))
        // Then the retry met 409 duplicate, the event carrying our stamp was adopted, and there is one event
        #expect(created.id == Self.key("m-lost"))
        #expect(created.stamp == draft.stamp)
        #expect(try await rig.sent("POST", Self.insertPath) == 2)
        let all = try await rig.harness.events(vendor: .google, calendarID: World.googleEmail)
        #expect(all.count == 1)
        #expect(rig.clock.sleeps.count == 1)
    }

    @Test func a409ForAnIdWithTheSameStampIsAdoptedAndAnyOtherIsThrown() async throws {
        let rig = try await CalendarRig.start(.google)
        defer { Task { await rig.harness.stop() } }
        let client = try rig.google()
        let draft = Drafts.timed("Once", mapping: "m-9", start: World.start.addingTimeInterval(3600))
        let first = try await client.createEvent(calendarId: "primary", draft, idempotencyKey: Self.key("m-9"))
        // When sent again with the same key and stamp, then the existing event
        let again = try await client.createEvent(calendarId: "primary", draft, idempotencyKey: Self.key("m-9"))
        #expect(again.id == first.id && again.etag == first.etag)
        // When the id carries another stamp, then the 409 is thrown
        var other = draft
        other.stamp = Drafts.stamp("m-10")
        do {
            _ = try await client.createEvent(calendarId: "primary", other, idempotencyKey: Self.key("m-9"))
            Issue.record("another mapping's event was adopted")
        } catch let error as VendorError {
            #expect(error.status == 409 && error.code == "duplicate")
        }
        // When the event with the id was deleted, then the 409 is thrown (the caller moves to the next generation)
        try await client.deleteEvent(calendarId: "primary", id: first.id, ifMatch: nil)
        await #expect(throws: VendorError.self) {
            try await client.createEvent(calendarId: "primary", draft, idempotencyKey: Self.key("m-9"))
        }
        let next = try await client.createEvent(calendarId: "primary", draft, idempotencyKey: Self.key("m-9", generation: 2))
        #expect(next.id != first.id)
    }

    @Test(arguments: ["abc", "UPPERCASE12", "has-dash-1", "wxyz0", String(repeating: "a", count: 1025)])
    func aKeyThatIsNotAGoogleEventIdIsRefusedBeforeAnyRequest(key: String) async throws {
        let rig = try await CalendarRig.start(.google)
        defer { Task { await rig.harness.stop() } }
        let client = try rig.google()
        let draft = Drafts.timed("Bad", mapping: "m", start: World.start)
        do {
            _ = try await client.createEvent(calendarId: "primary", draft, idempotencyKey: key)
            Issue.record("key \(key) was sent")
        } catch let error as CalendarClientError {
            #expect(error.isInvalidArgument)
            #expect(error.message.contains("a-v and 0-9"))
        }
        #expect(try await rig.vendorRequests().isEmpty)
    }

    @Test func derivedKeysAreValidStableGoogleEventIds() {
        let key = Self.key("m-1")
        #expect(GoogleCalendarClient.isValidEventID(key))
        #expect(key.count == 34 && key.hasPrefix("cs"))
        #expect(key == Self.key("m-1"))
        #expect(key != Self.key("m-1", generation: 2))
        #expect(key != Self.key("m-2"))
    }

    @Test func updateWithAStaleEtagIs412AndAFreshOnePatchesOnlyManagedFields() async throws {
        let rig = try await CalendarRig.start(.google)
        defer { Task { await rig.harness.stop() } }
        let client = try rig.google()
        let draft = Drafts.timed("Draft", mapping: "m-u", start: World.start.addingTimeInterval(3600), description: "d")
        let created = try await client.createEvent(calendarId: "primary", draft, idempotencyKey: Self.key("m-u"))
        // Given the owner added attendees and a colour, and another app a private property
        try await rig.harness.updateEvent(
            vendor: .google, calendarID: World.googleEmail, eventID: created.id,
            ["attendees": [["email": "carol@example.com"]], "colorId": "5",
             "extendedProperties": ["private": ["other-app": "x"]]])
        // When updating with the etag calsync last saw, then 412
        var changed = draft
        changed.title = "Final"
        changed.description = nil
        changed.start = .date(try #require(DayDate(iso: "2026-01-07")))
        changed.end = .date(try #require(DayDate(iso: "2026-01-08")))
        do {
            _ = try await client.updateEvent(calendarId: "primary", id: created.id, changed, ifMatch: created.etag)
            Issue.record("a stale If-Match was accepted")
        } catch let error as VendorError {
            #expect(error.status == 412 && error.code == "conditionNotMet")
        }
        // When updating with the current etag
        let current = try #require(try await client.event(calendarId: "primary", id: created.id))
        let updated = try await client.updateEvent(calendarId: "primary", id: created.id, changed, ifMatch: current.etag)
        // Then the managed fields changed (the timed event became all-day, the description is gone)
        #expect(updated.title == "Final" && updated.description == nil)
        #expect(updated.start == changed.start && updated.end == changed.end)
        #expect(updated.etag != current.etag)
        #expect(updated.stamp == draft.stamp)
        // And the fields calsync does not manage were left alone
        let stored = try #require(try await Self.raw(rig, created.id))
        #expect(stored["attendees"]?.arrayValue?.first?["email"]?.stringValue == "carol@example.com")
        #expect(stored["colorId"]?.stringValue == "5")
        #expect(stored["extendedProperties"]?["private"]?["other-app"]?.stringValue == "x")
        #expect(stored["start"]?["dateTime"] == nil)
    }

    @Test func deletingAnEventAlreadyGoneSucceedsAndAStaleEtagIs412() async throws {
        let rig = try await CalendarRig.start(.google)
        defer { Task { await rig.harness.stop() } }
        let client = try rig.google()
        let created = try await client.createEvent(
            calendarId: "primary", Drafts.timed("Gone", mapping: "m-d", start: World.start), idempotencyKey: Self.key("m-d"))
        try await rig.harness.updateEvent(
            vendor: .google, calendarID: World.googleEmail, eventID: created.id, ["summary": "touched"])
        // When deleting with a stale etag, then 412
        do {
            try await client.deleteEvent(calendarId: "primary", id: created.id, ifMatch: created.etag)
            Issue.record("a stale If-Match deleted the event")
        } catch let error as VendorError {
            #expect(error.status == 412)
        }
        // When deleted, then deleted again (410 deleted) and an unknown id (404): no error
        try await client.deleteEvent(calendarId: "primary", id: created.id, ifMatch: nil)
        try await client.deleteEvent(calendarId: "primary", id: created.id, ifMatch: nil)
        try await client.deleteEvent(calendarId: "primary", id: "unknown00", ifMatch: nil)
        let statuses = try await rig.vendorRequests().filter { $0.method == "DELETE" }.map(\.status)
        #expect(statuses == [412, 204, 410, 404])
        // And reading it gives the tombstone; an unknown id is nil
        #expect(try await client.event(calendarId: "primary", id: created.id)?.isDeleted == true)
        #expect(try await client.event(calendarId: "primary", id: "unknown00") == nil)
    }
}
