import CalsyncModel
import CalsyncState
import Foundation
import GRDB
import Testing

/// The read-only queries behind `calsync doctor`, against a real SQLite file opened read-only.
@Suite struct StateHealthTests {
    let directory = NSTemporaryDirectory() + "calsync-health-" + UUID().uuidString
    var path: String { directory + "/state.db" }

    static let now = Date(timeIntervalSince1970: 1_790_000_000)
    static let card = ProviderCardState(
        ready: Condition(
            status: .true, reason: .converged, message: "", lastTransitionTime: Date(timeIntervalSince1970: 0)),
        pendingActions: [])

    static func ago(_ seconds: TimeInterval) -> Date { now.addingTimeInterval(-seconds) }

    /// Records `name` under tenant acme with a 15m interval.
    func record(
        _ name: String, in store: SQLiteStateStore, lastSync: Date? = nil, enabled: Bool = true, isActive: Bool = true,
        webhook: WebhookState? = nil
    ) throws -> ProviderRef {
        let ref = try #require(ProviderRef("acme/\(name)"))
        try store.apply(.recordTenant(TenantSpec(name: ref.tenant)))
        var spec = ProviderSpec(ref: ref, vendor: .google, calendarId: "primary", syncInterval: .minutes(15))
        spec.enabled = enabled
        let state = ProviderState(
            ref: ref, applied: spec, credential: .valid, isActive: isActive, webhook: webhook,
            lastSync: lastSync.map { LastSync(at: $0, result: .succeeded) })
        try store.apply(.recordProvider(state, card: Self.card))
        return ref
    }

    func readOnly() throws -> SQLiteStateStore { try SQLiteStateStore(path: path, mode: .readOnly) }

    @Test func staleSyncsAreActiveProvidersPastTwiceTheirInterval() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        // Given providers synced 31m and exactly 30m ago, a disabled one, an inactive one and one never synced
        let writer = try SQLiteStateStore(path: path, mode: .readWrite)
        let late = try record("late", in: writer, lastSync: Self.ago(31 * 60))
        _ = try record("on-time", in: writer, lastSync: Self.ago(30 * 60))
        _ = try record("disabled", in: writer, lastSync: Self.ago(86400), enabled: false)
        _ = try record("inactive", in: writer, lastSync: Self.ago(86400), isActive: false)
        _ = try record("never", in: writer)
        // When asked at `now`, Then only the late one is listed
        #expect(
            try readOnly().staleSyncs(at: Self.now) == [
                StaleSync(ref: late, lastSyncAt: Self.ago(31 * 60), syncInterval: .minutes(15))
            ])
        #expect(try readOnly().staleSyncs(at: Self.now, factor: 3).isEmpty)
    }

    @Test func expiringWebhooksComeFromTheTableAndTheProviders() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = try SQLiteStateStore(path: path, mode: .readWrite)
        let sealed = SealedToken(keyID: try #require(KeyID(rawValue: "0123456789abcdef")), combined: Data([1, 2, 3]))
        // Given a provider whose recorded webhook duplicates a table row, one with a live webhook of its own, one with a dead one
        let a = try record(
            "a", in: writer, webhook: WebhookState(id: "w-soon", expiresAt: Self.now.addingTimeInterval(3600)))
        let b = try record(
            "b", in: writer, webhook: WebhookState(id: "p-own", expiresAt: Self.now.addingTimeInterval(7200)))
        _ = try record("c", in: writer, webhook: WebhookState(id: "p-dead", expiresAt: Self.ago(60), isAlive: false))
        for (id, offset) in [("w-soon", 3600.0), ("w-edge", 86400), ("w-later", 90000), ("w-gone", -3600)] {
            try writer.recordWebhook(
                WebhookRecord(
                    id: id, ref: a, vendor: .google, secret: sealed, expiresAt: Self.now.addingTimeInterval(offset)))
        }
        // When asked for those due within 24h
        let due = try readOnly().expiringWebhooks(at: Self.now, within: .hours(24))
        // Then expired and expiring ones are listed once each, soonest first
        #expect(due.map(\.id) == ["w-gone", "w-soon", "p-own", "w-edge"])
        #expect(due.map(\.ref) == [a, a, b, a])
        #expect(due.map { $0.isExpired(at: Self.now) } == [true, false, false, false])
    }

    @Test func conflictBacklogCountsOnlyOldConflictsPerProvider() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try SQLiteStateStore(path: path, mode: .readWrite)
        try insertConflicts([
            ("m1", "acme", "google-main", RFC3339.preciseString(Self.ago(2 * 86400))),
            ("m2", "acme", "google-main", RFC3339.preciseString(Self.ago(3 * 86400))),
            ("m3", "globex", "cal", RFC3339.preciseString(Self.ago(3600))),
        ])
        let backlog = try readOnly().conflictBacklog(at: Self.now, olderThan: .hours(24))
        #expect(
            backlog == [
                ConflictBacklog(
                    ref: try #require(ProviderRef("acme/google-main")), count: 2, oldestDetectedAt: Self.ago(3 * 86400))
            ])
    }

    @Test func aMalformedConflictTimeIsAnError() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        _ = try SQLiteStateStore(path: path, mode: .readWrite)
        try insertConflicts([("m1", "acme", "google-main", "yesterday")])
        do {
            _ = try readOnly().conflictBacklog(at: Self.now, olderThan: .hours(24))
            Issue.record("a conflict without a timestamp was accepted")
        } catch let error as StateError {
            #expect(error.kind == .io)
            #expect(error.message.contains("\"m1\" of acme/google-main"))
        }
    }

    @Test func notificationBacklogGroupsUndeliveredEventsByTenantAndProvider() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let writer = try SQLiteStateStore(path: path, mode: .readWrite)
        let acme = try #require(TenantName(rawValue: "acme")), globex = try #require(TenantName(rawValue: "globex"))
        let main = try #require(ProviderName(rawValue: "google-main"))
        let events: [(TenantName, ProviderName?, TimeInterval, String)] = [
            (acme, main, 2 * 3600, "a"), (acme, main, 3 * 3600, "b"), (acme, nil, 5 * 3600, "c"),
            (globex, nil, 600, "fresh"),
            (globex, nil, 9 * 3600, "delivered"),
        ]
        for (tenant, provider, age, key) in events {
            try writer.enqueue(
                NotificationEvent(
                    type: .error, tenant: tenant, provider: provider, at: Self.ago(age), message: "m", dedupeKey: key))
        }
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "UPDATE outbox SET attempts = 6 WHERE dedupeKey = 'b'")
            try db.execute(
                sql: "UPDATE outbox SET deliveredAt = ? WHERE dedupeKey = 'delivered'",
                arguments: [RFC3339.preciseString(Self.now)])
        }
        try queue.close()
        let backlog = try readOnly().notificationBacklog(at: Self.now, olderThan: .hours(1))
        #expect(
            backlog == [
                NotificationBacklog(
                    tenant: acme, provider: nil, count: 1, oldestCreatedAt: Self.ago(5 * 3600), attempts: 0),
                NotificationBacklog(
                    tenant: acme, provider: main, count: 2, oldestCreatedAt: Self.ago(3 * 3600), attempts: 6),
            ])
        #expect(backlog.map(\.subject) == ["acme", "acme/google-main"])
    }

    /// Inserts mappings in conflict: (mapping id, tenant, provider, detectedAt as stored).
    func insertConflicts(_ rows: [(String, String, String, String)]) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            for (id, tenant, provider, detectedAt) in rows {
                try db.execute(
                    sql: "INSERT INTO mapping (id, tenant, provider, syncStatus) VALUES (?, ?, ?, 'conflict')",
                    arguments: [id, tenant, provider])
                try db.execute(
                    sql: "INSERT INTO conflict (mappingId, detectedAt, local, external) VALUES (?, ?, '{}', '{}')",
                    arguments: [id, detectedAt])
            }
        }
        try queue.close()
    }
}
