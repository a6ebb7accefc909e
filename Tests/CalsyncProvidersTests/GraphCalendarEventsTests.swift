import CalsyncEmulator
import CalsyncModel
import CalsyncProviders
import CalsyncTesting
import Foundation
import Testing

@Suite struct GraphCalendarEventsTests {
    static func key(_ mapping: String, generation: Int = 1) -> String {
        CalendarClients.idempotencyKey(vendor: .microsoft, stamp: Drafts.stamp(mapping), generation: generation)
    }

    /// The raw stored events of the default calendar (extended properties and transaction ids included).
    static func raw(_ rig: CalendarRig, _ calendarID: String) async throws -> [CalsyncEmulator.JSONValue] {
        try await rig.harness.events(vendor: .microsoft, calendarID: calendarID)
    }

    @Test func createCarriesTheStampPropertyAndTransactionIdAndIsFoundByStamp() async throws {
        let rig = try await CalendarRig.start(.microsoft)
        defer { Task { await rig.harness.stop() } }
        let client = try rig.graph()
        let calendarID = try await client.calendar("calendar").id
        let draft = Drafts.timed(
            "Board", mapping: "m-1", start: World.start.addingTimeInterval(86_400), timeZone: "Europe/Berlin",
            description: "Quarterly", location: "Room 4")
        // When
        let created = try await client.createEvent(calendarId: "calendar", draft, idempotencyKey: Self.key("m-1"))
        // Then
        #expect(created.title == "Board" && created.description == "Quarterly" && created.location == "Room 4")
        #expect(created.start == draft.start && created.end == draft.end)
        #expect(created.stamp == draft.stamp)
        let stored = try #require(try await Self.raw(rig, calendarID).first)
        #expect(stored["transactionId"]?.stringValue == "acme/main/m-1#1")
        let property = stored["singleValueExtendedProperties"]?.arrayValue?.first
        #expect(property?["id"]?.stringValue == GraphCalendarClient.stampPropertyID)
        #expect(property?["value"]?.stringValue == "acme/main/m-1")
        // When looked up by id and by stamp, then the same event, with the stamp read from the property
        let byID = try #require(try await client.event(calendarId: "calendar", id: created.id))
        #expect(byID.stamp == draft.stamp && byID.etag == created.etag)
        #expect(try await client.event(calendarId: "calendar", stampedWith: draft.stamp)?.id == created.id)
        #expect(try await client.event(calendarId: "calendar", stampedWith: Drafts.stamp("m-2")) == nil)
        // And delta, which cannot expand the property, gives the stamp from the transaction id
        let round = try await client.changes(calendarId: "calendar", cursor: nil, window: CalendarRig.window)
        #expect(round.events.first { $0.id == created.id }?.stamp == draft.stamp)
    }

    @Test func allDayDraftsAreWrittenAsAllDayEvents() async throws {
        let rig = try await CalendarRig.start(.microsoft)
        defer { Task { await rig.harness.stop() } }
        let client = try rig.graph()
        let day = try #require(DayDate(iso: "2026-01-20"))
        let next = try #require(DayDate(iso: "2026-01-21"))
        let draft = EventDraft(title: "Offsite", start: .date(day), end: .date(next), stamp: Drafts.stamp("m-a"))
        let created = try await client.createEvent(calendarId: "calendar", draft, idempotencyKey: Self.key("m-a"))
        #expect(created.start == .date(day) && created.end == .date(next))
        let read = try #require(try await client.event(calendarId: "calendar", id: created.id))
        #expect(read.start == .date(day) && read.end == .date(next) && read.timeZone == nil)
    }

    @Test func aCreateWhoseAnswerWasLostIsSentAgainAndLeavesOneEvent() async throws {
        let rig = try await CalendarRig.start(.microsoft)
        defer { Task { await rig.harness.stop() } }
        let client = try rig.graph()
        let path = "/graph/v1.0/me/calendar/events"
        // Given Graph creates the event, then drops the connection (the create is the client's first request)
        try await rig.harness.injectFault(FaultRule(method: "POST", path: path, drop: .after, count: 1))
        let draft = Drafts.timed("Lost", mapping: "m-lost", start: World.start.addingTimeInterval(3600))
        // When
        let created = try await client.createEvent(calendarId: "calendar", draft, idempotencyKey: Self.key("m-lost"))
        // Then the resent POST carried the same transactionId and got the first event back
        #expect(created.title == "Lost")
        #expect(try await rig.sent("POST", path) == 2)
        let calendarID = try await client.calendar("calendar").id
        #expect(try await Self.raw(rig, calendarID).count == 1)
        #expect(try await Self.raw(rig, calendarID).first?["id"]?.stringValue == created.id)
    }

    @Test func updateWithAStaleEtagIs412AndAFreshOnePatchesOnlyManagedFields() async throws {
        let rig = try await CalendarRig.start(.microsoft)
        defer { Task { await rig.harness.stop() } }
        let client = try rig.graph()
        let calendarID = try await client.calendar("calendar").id
        let draft = Drafts.timed("Draft", mapping: "m-u", start: World.start.addingTimeInterval(3600), location: "A")
        let created = try await client.createEvent(calendarId: "calendar", draft, idempotencyKey: Self.key("m-u"))
        // Given the owner added attendees and a category
        try await rig.harness.updateEvent(
            vendor: .microsoft, calendarID: calendarID, eventID: created.id,
            ["attendees": [["emailAddress": ["address": "carol@example.com"]]], "categories": ["Red"]])
        var changed = draft
        changed.title = "Final"
        changed.location = nil
        changed.start = .instant(World.start.addingTimeInterval(7200))
        changed.end = .instant(World.start.addingTimeInterval(9000))
        // When updating with the etag calsync last saw, then 412
        do {
            _ = try await client.updateEvent(calendarId: "calendar", id: created.id, changed, ifMatch: created.etag)
            Issue.record("a stale If-Match was accepted")
        } catch let error as VendorError {
            #expect(error.status == 412 && error.code == "ErrorIrresolvableConflict")
        }
        // When updating with the current etag
        let current = try #require(try await client.event(calendarId: "calendar", id: created.id))
        let updated = try await client.updateEvent(calendarId: "calendar", id: created.id, changed, ifMatch: current.etag)
        // Then the managed fields changed, and the rest was left alone
        #expect(updated.title == "Final" && updated.location == nil)
        #expect(updated.start == changed.start && updated.end == changed.end)
        #expect(updated.etag != current.etag)
        let stored = try #require(try await Self.raw(rig, calendarID).first)
        #expect(stored["categories"]?.arrayValue?.first?.stringValue == "Red")
        #expect(stored["attendees"]?.arrayValue?.count == 1)
        #expect(stored["transactionId"]?.stringValue == Self.key("m-u"))
    }

    @Test func deletingAnEventAlreadyGoneSucceedsAndAStaleEtagIs412() async throws {
        let rig = try await CalendarRig.start(.microsoft)
        defer { Task { await rig.harness.stop() } }
        let client = try rig.graph()
        let calendarID = try await client.calendar("calendar").id
        let created = try await client.createEvent(
            calendarId: "calendar", Drafts.timed("Gone", mapping: "m-d", start: World.start),
            idempotencyKey: Self.key("m-d"))
        try await rig.harness.updateEvent(vendor: .microsoft, calendarID: calendarID, eventID: created.id, ["subject": "touched"])
        do {
            try await client.deleteEvent(calendarId: "calendar", id: created.id, ifMatch: created.etag)
            Issue.record("a stale If-Match deleted the event")
        } catch let error as VendorError {
            #expect(error.status == 412)
        }
        try await client.deleteEvent(calendarId: "calendar", id: created.id, ifMatch: nil)
        try await client.deleteEvent(calendarId: "calendar", id: created.id, ifMatch: nil)
        let statuses = try await rig.vendorRequests().filter { $0.method == "DELETE" }.map(\.status)
        #expect(statuses == [412, 204, 404])
        #expect(try await client.event(calendarId: "calendar", id: created.id) == nil)
    }

    @Test func atMostFourRequestsAreInFlightPerClient() async throws {
        let rig = try await CalendarRig.start(.microsoft)
        defer { Task { await rig.harness.stop() } }
        let counter = InFlightCounter(rig.transport())
        let client = try rig.graph(transport: counter)
        // Given every calendar read takes 150 ms at Graph
        try await rig.harness.injectFault(FaultRule(method: "GET", path: "/graph/v1.0/me/calendar", delayMilliseconds: 150))
        // When twelve reads start at once
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<12 { group.addTask { _ = try await client.calendar("calendar") } }
            try await group.waitForAll()
        }
        // Then four at a time reached the transport
        #expect(counter.maximum == 4)
        #expect(counter.total == 12)
    }

    @Test func stampsAreRecoveredFromDerivedTransactionIds() {
        let stamp = Drafts.stamp("m-7")
        #expect(Self.key("m-7", generation: 3) == "acme/main/m-7#3")
        #expect(OwnershipStamp("acme/main/m-7") == stamp)
    }
}

/// A transport that counts the requests in flight through it (the emulator cannot see a client's concurrency).
final class InFlightCounter: HTTPTransport, @unchecked Sendable {
    private let base: any HTTPTransport
    private let lock = NSLock()
    // Guarded by `lock`.
    private var current = 0
    private var peak = 0
    private var count = 0

    init(_ base: any HTTPTransport) {
        self.base = base
    }

    var maximum: Int { lock.withLock { peak } }
    var total: Int { lock.withLock { count } }

    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        lock.withLock {
            current += 1
            count += 1
            peak = max(peak, current)
        }
        defer { lock.withLock { current -= 1 } }
        return try await base.send(request)
    }
}
