import CalsyncEmulator
import CalsyncModel
import CalsyncProviders
import CalsyncTesting
import Foundation
import Testing

@Suite struct GraphCalendarBatchTests {
    @Test func fortyFiveCreatesGoInThreeBatchesAndThrottledOnesAreRetriedAlone() async throws {
        let rig = try await CalendarRig.start(.microsoft)
        defer { Task { await rig.harness.stop() } }
        let client = try rig.graph()
        let calendarID = try await client.calendar("calendar").id
        let createPath = "/graph/v1.0/me/calendar/events"
        // Given Graph throttles three of the first batch's sub-requests with Retry-After: 2
        try await rig.harness.injectFault(FaultRule(method: "POST", path: createPath, status: 429, retryAfter: 2, count: 3))
        let drafts = (0..<45).map { index in
            let mapping = "m-\(index)"
            return (
                Drafts.timed("E\(index)", mapping: mapping, start: World.start.addingTimeInterval(Double(index) * 3600)),
                idempotencyKey: CalendarClients.idempotencyKey(vendor: .microsoft, stamp: Drafts.stamp(mapping), generation: 1)
            )
        }
        try await rig.harness.resetRequests()
        // When
        let results = try await client.createEvents(calendarId: "calendar", drafts)
        // Then every draft has its event, in order, stamped
        #expect(results.count == 45)
        let events = results.compactMap { try? $0.get() }
        #expect(events.count == 45)
        #expect(events.map(\.title) == (0..<45).map { "E\($0)" })
        #expect(zip(events, drafts).allSatisfy { $0.stamp == $1.0.stamp })
        // And three batches (20, 20, 5) went out, the three throttled creates were sent again alone after 2 s
        let log = try await rig.vendorRequests()
        #expect(log.filter { $0.path == "/graph/v1.0/$batch" }.count == 3)
        #expect(log.filter { $0.path == createPath && $0.status == 429 }.count == 3)
        #expect(log.filter { $0.path == createPath && $0.status == 201 }.count == 45)
        #expect(rig.clock.sleeps == [.seconds(2)])
        // And Graph holds exactly 45 events, each with its transactionId
        let stored = try await rig.harness.events(vendor: .microsoft, calendarID: calendarID)
        #expect(stored.count == 45)
        #expect(Set(stored.compactMap { $0["transactionId"]?.stringValue }) == Set(drafts.map(\.idempotencyKey)))
    }

    @Test func aSubRequestGraphRefusesIsThatDraftsFailureOnly() async throws {
        let rig = try await CalendarRig.start(.microsoft)
        defer { Task { await rig.harness.stop() } }
        let client = try rig.graph()
        let good = Drafts.timed("good", mapping: "g", start: World.start)
        var bad = Drafts.timed("bad", mapping: "b", start: World.start)
        bad.timeZone = nil
        bad.end = .instant(World.start.addingTimeInterval(-3600))
        // When one draft ends before it starts
        let results = try await client.createEvents(
            calendarId: "calendar", [(good, idempotencyKey: "k-good"), (bad, idempotencyKey: "k-bad")])
        // Then it fails with Graph's error and the other is created
        #expect((try? results[0].get())?.title == "good")
        guard case .failure(let error as VendorError) = results[1] else {
            Issue.record("the bad draft did not fail with a VendorError")
            return
        }
        #expect(error.status == 400)
    }

    @Test func theDefaultImplementationCreatesOneAtATime() async throws {
        let rig = try await CalendarRig.start(.google)
        defer { Task { await rig.harness.stop() } }
        let client = try rig.google()
        let drafts = (0..<3).map { index in
            (
                Drafts.timed("G\(index)", mapping: "g\(index)", start: World.start),
                idempotencyKey: CalendarClients.idempotencyKey(vendor: .google, stamp: Drafts.stamp("g\(index)"), generation: 1)
            )
        }
        let results = try await client.createEvents(
            calendarId: "primary", drafts + [(drafts[0].0, idempotencyKey: "NOT-VALID")])
        #expect(results.prefix(3).compactMap { try? $0.get().title } == ["G0", "G1", "G2"])
        guard case .failure(let error as CalendarClientError) = results[3] else {
            Issue.record("an invalid key did not fail alone")
            return
        }
        #expect(error.isInvalidArgument)
        #expect(try await rig.sent("POST", "/google/calendar/v3/calendars/primary/events") == 3)
    }
}
