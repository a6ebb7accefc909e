import CalsyncModel
import CalsyncState
import CalsyncTesting
import Foundation
import Testing

/// The outbox's bookkeeping against a real SQLite file: `provider_deleted` in the delete's own
/// transaction, the journal mark, exactly one delivery per event and channel, backoff, settling.
@Suite struct OutboxDeliveryTests {
    let directory = NSTemporaryDirectory() + "calsync-outbox-" + UUID().uuidString
    var path: String { directory + "/state.db" }

    static let acme = TenantName(rawValue: "acme")!
    static let ref = ProviderRef("acme/google-main")!
    static let slack = ChannelName(rawValue: "ops-slack")!
    static let hook = ChannelName(rawValue: "ops-hook")!
    static let t0 = Date(timeIntervalSince1970: 1_790_000_000)
    static let card = ProviderCardState(
        ready: Condition(status: .false, reason: .authorizationRequired, message: "m", lastTransitionTime: t0),
        pendingActions: [.authorize])

    func store() throws -> SQLiteStateStore { try SQLiteStateStore(path: path, mode: .readWrite) }

    static func event(_ key: String, type: NotificationEventType = .conflict) -> NotificationEvent {
        NotificationEvent(
            type: type, tenant: acme, provider: ref.provider, at: t0, message: "mapping \(key) in conflict",
            dedupeKey: "conflict:\(key)")
    }

    @Test func deletingAProviderQueuesProviderDeletedInTheSameWrite() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Given a recorded provider with one webhook
        let store = try store()
        try store.apply(.recordTenant(TenantSpec(name: Self.acme)))
        try store.apply(
            .recordProvider(
                ProviderState(
                    ref: Self.ref, applied: ProviderSpec(ref: Self.ref, vendor: .google, calendarId: "primary")),
                card: Self.card))
        try store.recordWebhook(
            WebhookRecord(
                id: "ch-1", ref: Self.ref, vendor: .google,
                secret: SealedToken(keyID: KeyID(rawValue: "0123456789abcdef")!, combined: Data([1, 2, 3])),
                expiresAt: Self.t0))
        #expect(try store.eventsToJournal().isEmpty)
        // When it is deleted
        try store.apply(.deleteProvider(Self.ref, at: Self.t0))
        // Then one provider_deleted event names it, with counts and no more
        let events = try store.eventsToJournal()
        #expect(events.map(\.event.type) == [.providerDeleted])
        #expect(events.first?.event.tenant == Self.acme)
        #expect(events.first?.event.provider == Self.ref.provider)
        #expect(events.first?.event.at == Self.t0)
        #expect(
            events.first?.event.message
                == "acme/google-main deleted: 1 webhook removed, 0 mappings dropped; entries and vendor events kept")
        #expect(try store.webhooks(of: Self.ref).isEmpty)
        // And deleting a provider the state does not record queues nothing
        try store.apply(.deleteProvider(Self.ref, at: Self.t0.addingTimeInterval(60)))
        try store.apply(.deleteProvider(ProviderRef("acme/never")!, at: Self.t0))
        #expect(try store.eventsToJournal().count == 1)
    }

    @Test func eachChannelGetsAnEventExactlyOnce() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Given one event
        let store = try store()
        try store.enqueue(Self.event("m1"))
        let id = try #require(try store.undeliveredEvents().first?.id)
        let toSlack = DeliveryKey(event: id, channel: Self.slack)
        let toHook = DeliveryKey(event: id, channel: Self.hook)
        // When one notifier claims it for Slack, Then a second one cannot until the claim lapses
        #expect(try store.claimDelivery(toSlack, now: Self.t0, until: Self.t0.addingTimeInterval(70)))
        #expect(
            try !store.claimDelivery(toSlack, now: Self.t0.addingTimeInterval(1), until: Self.t0.addingTimeInterval(71))
        )
        #expect(
            try store.claimDelivery(toHook, now: Self.t0, until: Self.t0.addingTimeInterval(70)),
            "channels are independent")
        // When Slack acknowledges it, Then it is never claimed for Slack again, even after the claim lapsed
        #expect(try store.recordDelivered(toSlack, at: Self.t0.addingTimeInterval(2)))
        #expect(
            try !store.recordDelivered(toSlack, at: Self.t0.addingTimeInterval(3)),
            "a second acknowledgement changes nothing")
        #expect(
            try !store.claimDelivery(
                toSlack, now: Self.t0.addingTimeInterval(3600), until: Self.t0.addingTimeInterval(3670)))
        let failed = try store.recordFailedAttempt(
            toSlack, error: "HTTP 500", at: Self.t0, backoff: DeliveryBackoff(), jitter: 0)
        #expect(failed.isDelivered && failed.attempts == 1, "a late failure report cannot undo a delivery")
        // And the other channel's claim lapses: a send that never finished is tried again
        #expect(
            try store.claimDelivery(toHook, now: Self.t0.addingTimeInterval(71), until: Self.t0.addingTimeInterval(141))
        )
        let entry = try #require(try store.undeliveredEvents().first)
        #expect(entry.delivery(to: Self.slack).deliveredAt == Self.t0.addingTimeInterval(2))
        #expect(!entry.delivery(to: Self.hook).isDelivered)
    }

    @Test func failedAttemptsBackOffWithJitterUpToAnHour() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try store()
        try store.enqueue(Self.event("m1"))
        let id = try #require(try store.undeliveredEvents().first?.id)
        let key = DeliveryKey(event: id, channel: Self.hook)
        // When sends fail again and again, Then each wait lies in the upper half of a doubling ceiling, capped at 1 h
        var ceilings: [TimeInterval] = []
        for attempt in 1...9 {
            let jitter = attempt.isMultiple(of: 2) ? 0.0 : 1.0
            let delivery = try store.recordFailedAttempt(
                key, error: "HTTP 503", at: Self.t0, backoff: DeliveryBackoff(), jitter: jitter)
            #expect(delivery.attempts == attempt)
            #expect(delivery.lastError == "HTTP 503")
            let wait = try #require(delivery.nextAttemptAt).timeIntervalSince(Self.t0)
            let ceiling = min(3600, 60 * pow(2, Double(attempt - 1)))
            #expect(abs(wait - (jitter == 0 ? ceiling / 2 : ceiling)) < 0.01, "attempt \(attempt) waited \(wait)s")
            ceilings.append(ceiling)
        }
        #expect(ceilings.suffix(3) == [3600, 3600, 3600])
        // And the delivery is due only once its wait has passed
        let next = try #require(try store.undeliveredEvents().first?.delivery(to: Self.hook).nextAttemptAt)
        #expect(try !store.claimDelivery(key, now: next.addingTimeInterval(-1), until: next.addingTimeInterval(60)))
        #expect(try store.claimDelivery(key, now: next, until: next.addingTimeInterval(60)))
    }

    @Test func journalingAndSettlingTakeEventsOutOfTheQueue() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Given three events, one of them queued twice
        let store = try store()
        try store.enqueue(Self.event("m1"))
        try store.enqueue(Self.event("m1"))
        try store.enqueue(Self.event("m2"))
        try store.enqueue(Self.event("m3"))
        let all = try store.undeliveredEvents()
        #expect(
            all.map(\.event.dedupeKey) == ["conflict:m1", "conflict:m2", "conflict:m3"],
            "a waiting dedupe key is queued once")
        #expect(try store.undeliveredEvents(after: all[0].id, limit: 1).map(\.id) == [all[1].id])
        // When settled before being journaled, Then nothing changes: the journal must have every event
        try store.markSettled([all[0].id], at: Self.t0)
        #expect(try store.undeliveredEvents().count == 3)
        // When journaled, Then they are no longer to journal, and can be settled
        try store.markJournaled(all.map(\.id), at: Self.t0)
        #expect(try store.eventsToJournal().isEmpty)
        #expect(try store.undeliveredEvents().allSatisfy(\.isJournaled))
        try store.markSettled([all[0].id], at: Self.t0)
        #expect(try store.undeliveredEvents().map(\.id) == [all[1].id, all[2].id])
        // And a settled dedupe key may be queued anew
        try store.enqueue(Self.event("m1"))
        #expect(try store.eventsToJournal().map(\.event.dedupeKey) == ["conflict:m1"])
    }

    @Test func aVersion3OutboxMigratesWithItsEventsStillToJournalAndDeliver() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Given a state at schema v3 with one queued event (v4 taken off again by hand)
        try store().enqueue(Self.event("m1"))
        let downgrade = """
            import sqlite3
            db = sqlite3.connect('\(path)')
            db.executescript('''
                DROP TABLE delivery;
                DROP INDEX outbox_journal;
                ALTER TABLE outbox DROP COLUMN journaledAt;
                DELETE FROM grdb_migrations WHERE identifier = 'v4-notify';
            ''')
            db.commit()
            """
        let result = try await CommandRunner.run("/usr/bin/env", ["python3", "-c", downgrade])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(throws: StateError.self, "readers ask for a migration") {
            try SQLiteStateStore(path: path, mode: .readOnly)
        }
        // When a writer opens it, Then v4 is applied and the event is still to journal and to deliver
        let store = try store()
        #expect(try store.eventsToJournal().map(\.event.dedupeKey) == ["conflict:m1"])
        let entry = try #require(try store.undeliveredEvents().first)
        #expect(entry.deliveries.isEmpty && !entry.isJournaled)
        #expect(try store.integrityCheck() == "ok")
    }

    @Test func deliveryBackoffStaysWithinItsBounds() {
        let backoff = DeliveryBackoff(base: .seconds(30), cap: .seconds(600))
        #expect(backoff.delay(afterAttempts: 1, jitter: 0) == .seconds(15))
        #expect(backoff.delay(afterAttempts: 1, jitter: 1) == .seconds(30))
        #expect(backoff.delay(afterAttempts: 3, jitter: 0.5) == .seconds(90))
        #expect(backoff.delay(afterAttempts: 10_000, jitter: 1) == .seconds(600))
        #expect(backoff.delay(afterAttempts: 0, jitter: -3) == .seconds(15), "out-of-range input is clamped")
    }
}
