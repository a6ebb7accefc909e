import CalsyncModel
import CalsyncState
import CalsyncTesting
import Foundation
import Testing

/// The SQLite store against real temporary files: migrations, the serial, read-only opens, backups.
@Suite struct StateStoreTests {
    let directory = NSTemporaryDirectory() + "calsync-state-" + UUID().uuidString
    var path: String { directory + "/state.db" }

    static let acme = TenantName(rawValue: "acme")!
    static let ref = ProviderRef("acme/google-main")!
    static let spec = ProviderSpec(ref: ref, vendor: .google, calendarId: "primary")
    static let card = ProviderCardState(
        ready: Condition(status: .false, reason: .authorizationRequired, message: "m", lastTransitionTime: Date(timeIntervalSince1970: 0)),
        pendingActions: [.authorize])

    @Test func migratesAnEmptyFile() throws {
        // Given no file, When opened for writing, Then the schema is created in WAL mode and the state is empty
        let store = try SQLiteStateStore(path: path, mode: .readWrite)
        #expect(try store.snapshot() == StateSnapshot(serial: 0))
        #expect(try store.isEmpty())
        #expect(try store.integrityCheck() == "ok")
        #expect(FileManager.default.fileExists(atPath: path + "-wal"))
        try? FileManager.default.removeItem(atPath: directory)
    }

    @Test func readOnlyOpenNeverCreatesTheFile() throws {
        #expect(throws: StateError.self) { try SQLiteStateStore(path: path, mode: .readOnly) }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(!FileManager.default.fileExists(atPath: directory))
    }

    @Test func olderSchemaAsksForMigrate() async throws {
        // Given a database file with calsync's tables missing (an older schema)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let result = try await CommandRunner.run("/usr/bin/env", ["python3", "-c", "import sqlite3; sqlite3.connect('\(path)').execute('create table t(x)')"])
        #expect(result.exitCode == 0)
        // When a read-only command opens it, Then it is told to migrate
        do {
            _ = try SQLiteStateStore(path: path, mode: .readOnly)
            Issue.record("opened an unmigrated database read-only")
        } catch let error as StateError {
            #expect(error.kind == .needsMigration)
            #expect(error.message.contains("calsync state migrate"))
        }
        // And a writer migrates it
        _ = try SQLiteStateStore(path: path, mode: .readWrite)
        #expect(try SQLiteStateStore(path: path, mode: .readOnly).integrityCheck() == "ok")
    }

    @Test func serialGrowsOnlyWhenWhatAPlanReadsChanges() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStateStore(path: path, mode: .readWrite)
        try store.apply(.recordTenant(TenantSpec(name: Self.acme)))
        #expect(try store.serial() == 1)
        try store.apply(.recordTenant(TenantSpec(name: Self.acme)))
        #expect(try store.serial() == 1, "recording the same tenant again is no write")
        try store.apply(.recordProvider(ProviderState(ref: Self.ref, applied: Self.spec), card: Self.card))
        #expect(try store.serial() == 2)
        var card = Self.card
        card.pendingActions = []
        try store.apply(.recordProvider(ProviderState(ref: Self.ref, applied: Self.spec), card: card))
        #expect(try store.serial() == 2, "a card change alone does not move the serial")
        #expect(try store.cards()[Self.ref] == card)
        try store.apply(.deleteProvider(Self.ref, at: Date(timeIntervalSince1970: 0)))
        #expect(try store.serial() == 3)
        #expect(try store.snapshot().providers.isEmpty)
        try store.apply(.retireTenant(Self.acme))
        #expect(try store.snapshot().tenants.isEmpty)
        #expect(try !store.isEmpty(), "a retired tenant is remembered with its schedule")
    }

    @Test func syncCountersDoNotMoveTheSerial() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStateStore(path: path, mode: .readWrite)
        try store.apply(.recordTenant(TenantSpec(name: Self.acme)))
        var state = ProviderState(ref: Self.ref, applied: Self.spec, credential: .valid)
        try store.apply(.recordProvider(state, card: Self.card))
        let serial = try store.serial()
        state.lastSync = LastSync(at: Date(timeIntervalSince1970: 1_790_000_000), result: .succeeded, pulled: 3)
        state.lastError = "transient"
        state.isNotificationPending = true
        try store.apply(.recordProvider(state, card: Self.card))
        #expect(try store.serial() == serial)
        #expect(try store.snapshot().providers.first?.lastSync?.pulled == 3, "the counters are still written")
        state.isCursorExpired = true
        try store.apply(.recordProvider(state, card: Self.card))
        #expect(try store.serial() == serial + 1, "cursor validity is plan-relevant")
    }

    @Test func snapshotRoundTripsProviderState() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStateStore(path: path, mode: .readWrite)
        try store.apply(.recordTenant(TenantSpec(name: Self.acme)))
        let state = ProviderState(
            ref: Self.ref, applied: Self.spec, generation: 3, credential: .revoked, isActive: false,
            webhook: WebhookState(id: "ch-1", expiresAt: Date(timeIntervalSince1970: 1_800_000_000)), isCursorExpired: true,
            isNotificationPending: true,
            lastSync: LastSync(at: Date(timeIntervalSince1970: 1_790_000_000), result: .failed, pulled: 1, pushed: 2),
            lastError: "Calendar usage limits exceeded.")
        try store.apply(.recordProvider(state, card: Self.card))
        let reopened = try SQLiteStateStore(path: path, mode: .readOnly)
        #expect(try reopened.snapshot().providers == [state])
    }

    @Test func backupIsAConsistentCopy() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try SQLiteStateStore(path: path, mode: .readWrite)
        try store.apply(.recordTenant(TenantSpec(name: Self.acme)))
        try store.backup(to: directory + "/copy.db")
        let copy = try SQLiteStateStore(path: directory + "/copy.db", mode: .readOnly)
        #expect(try copy.snapshot() == store.snapshot())
        #expect(try copy.integrityCheck() == "ok")
    }
}
