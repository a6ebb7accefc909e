import CalsyncModel
import Foundation
import GRDB

/// The state in one SQLite file (WAL, migrations applied on open, one writer), behind `StateStore`.
///
/// Opened once per process, at the composition root.
public struct SQLiteStateStore: StateStore {
    /// How a command opens the state.
    public enum Mode: Sendable {
        /// Creates the file and applies migrations (writers).
        case readWrite
        /// Never creates or migrates; an older schema is an error (readers).
        case readOnly
    }

    public let path: String
    private let pool: DatabasePool

    var databaseWriter: any DatabaseWriter { pool }

    /// Opens the database at `path`.
    ///
    /// - Throws: `StateError` (`.missing` for a read-only open of a file that does not exist,
    ///   `.needsMigration`, `.tooNew`, `.io`).
    public init(path: String, mode: Mode) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.foreignKeysEnabled = true
        configuration.label = "calsync-state"
        // A sync of 10,000 events touches every page of the entry and mapping tables and their indexes:
        // a 16 MiB page cache (SQLite's default is 2) keeps most of that off the pread path.
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA cache_size = -16384")
        }
        switch mode {
        case .readOnly:
            guard FileManager.default.fileExists(atPath: path) else {
                throw StateError(.missing, "no state database at \"\(path)\". Run `calsync reconcile` (or `apply`) first, or name the state with --state.")
            }
            configuration.readonly = true
        case .readWrite:
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StateError(.io, "cannot open the state database \"\(path)\": \(error)")
        }
        let migrator = Self.migrator
        do {
            switch mode {
            case .readWrite:
                if try pool.read({ try migrator.hasBeenSuperseded($0) }) {
                    throw StateError(.tooNew, "the state database \"\(path)\" was written by a newer calsync. Upgrade calsync.")
                }
                try migrator.migrate(pool)
            case .readOnly:
                let (superseded, completed) = try pool.read { db in
                    (try migrator.hasBeenSuperseded(db), try migrator.hasCompletedMigrations(db))
                }
                if superseded {
                    throw StateError(.tooNew, "the state database \"\(path)\" was written by a newer calsync. Upgrade calsync.")
                }
                if !completed {
                    throw StateError(.needsMigration, "the state database \"\(path)\" has an older schema. Run `calsync state migrate`.")
                }
            }
        } catch let error as StateError {
            throw error
        } catch {
            throw StateError(.io, "cannot migrate the state database \"\(path)\": \(error)")
        }
    }

    // MARK: - Reading

    /// Live mappings and those in conflict per provider; read from `mapping_provider_status` alone.
    static let mappingCountsQuery = """
        SELECT tenant || '/' || provider AS ref, SUM(syncStatus != 'deleted') AS live,
            SUM(syncStatus = 'conflict') AS conflicts
        FROM mapping GROUP BY tenant, provider
        """

    public func snapshot() throws -> StateSnapshot {
        try read { db in
            let serial = try Int64.fetchOne(db, sql: "SELECT serial FROM meta WHERE id = 1") ?? 0
            let entryCounts = try Dictionary(
                uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT tenant, COUNT(*) AS n FROM entry GROUP BY tenant").map {
                    (row: Row) -> (String, Int) in (row["tenant"], row["n"])
                })
            let tenants = try Row.fetchAll(db, sql: "SELECT spec FROM tenant WHERE isDeclared = 1 ORDER BY name").map {
                TenantState(applied: try Self.decode(TenantSpec.self, $0["spec"]), entryCount: 0)
            }.map { tenant -> TenantState in
                var tenant = tenant
                tenant.entryCount = entryCounts[tenant.name.rawValue] ?? 0
                return tenant
            }
            // Live mappings and those in conflict, counted from the mapping table so the card and the
            // planner's blast radius are always true.
            var mappingCounts: [String: (live: Int, conflicts: Int)] = [:]
            for row in try Row.fetchAll(db, sql: Self.mappingCountsQuery) {
                mappingCounts[row["ref"]] = (row["live"] ?? 0, row["conflicts"] ?? 0)
            }
            let providers = try Row.fetchAll(db, sql: "SELECT state FROM provider ORDER BY tenant, name").map {
                var state = try Self.decode(ProviderState.self, $0["state"])
                let counts = mappingCounts[state.ref.description]
                state.mappingCount = counts?.live ?? 0
                state.conflictCount = counts?.conflicts ?? 0
                return state
            }
            let channels = try Row.fetchAll(db, sql: "SELECT spec FROM channel ORDER BY name").map {
                try Self.decode(ChannelSpec.self, $0["spec"])
            }
            return StateSnapshot(serial: serial, tenants: tenants, providers: providers, channels: channels)
        }
    }

    public func cards() throws -> [ProviderRef: ProviderCardState] {
        try read { db in
            var cards: [ProviderRef: ProviderCardState] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT tenant, name, card FROM provider") {
                guard let ref = ProviderRef("\(row["tenant"] as String)/\(row["name"] as String)") else { continue }
                cards[ref] = try Self.decode(ProviderCardState.self, row["card"])
            }
            return cards
        }
    }

    /// The serial alone.
    public func serial() throws -> Int64 {
        try read { try Int64.fetchOne($0, sql: "SELECT serial FROM meta WHERE id = 1") ?? 0 }
    }

    /// Whether the state records nothing at all (no tenant, provider or channel, declared or not).
    public func isEmpty() throws -> Bool {
        try read { db in
            try Int.fetchOne(
                db, sql: "SELECT (SELECT COUNT(*) FROM tenant) + (SELECT COUNT(*) FROM provider) + (SELECT COUNT(*) FROM channel)"
            ) == 0
        }
    }

    /// `PRAGMA integrity_check`: "ok" when the file is sound.
    public func integrityCheck() throws -> String {
        try read { try String.fetchOne($0, sql: "PRAGMA integrity_check") ?? "" }
    }

    // MARK: - Writing

    public func apply(_ change: StateChange) throws {
        try write { db in
            switch change {
            case .recordTenant(let spec):
                let json = try Self.encode(spec)
                let existing = try Row.fetchOne(db, sql: "SELECT spec, isDeclared FROM tenant WHERE name = ?", arguments: [spec.name.rawValue])
                guard existing?["spec"] != json || existing?["isDeclared"] != true else { return }
                try db.execute(
                    sql: """
                        INSERT INTO tenant (name, spec, isDeclared) VALUES (?, ?, 1)
                        ON CONFLICT(name) DO UPDATE SET spec = excluded.spec, isDeclared = 1
                        """, arguments: [spec.name.rawValue, json])
                try Self.bumpSerial(db)
            case .retireTenant(let name):
                try db.execute(sql: "UPDATE tenant SET isDeclared = 0 WHERE name = ? AND isDeclared = 1", arguments: [name.rawValue])
                if db.changesCount > 0 { try Self.bumpSerial(db) }
            case .recordChannel(let spec):
                let json = try Self.encode(spec)
                let existing = try String.fetchOne(db, sql: "SELECT spec FROM channel WHERE name = ?", arguments: [spec.name.rawValue])
                guard existing != json else { return }
                try db.execute(
                    sql: "INSERT INTO channel (name, spec) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET spec = excluded.spec",
                    arguments: [spec.name.rawValue, json])
                try Self.bumpSerial(db)
            case .removeChannel(let name):
                try db.execute(sql: "DELETE FROM channel WHERE name = ?", arguments: [name.rawValue])
                if db.changesCount > 0 { try Self.bumpSerial(db) }
            case .recordProvider(let state, let card):
                let json = try Self.encode(state)
                let cardJSON = try Self.encode(card)
                let existing = try Row.fetchOne(
                    db, sql: "SELECT state, card FROM provider WHERE tenant = ? AND name = ?",
                    arguments: [state.ref.tenant.rawValue, state.ref.provider.rawValue])
                let stateChanged = existing?["state"] != json
                guard stateChanged || existing?["card"] != cardJSON else { return }
                let previous = try (existing?["state"] as String?).map { try Self.decode(ProviderState.self, $0) }
                let planChanged = previous.map(Self.planRelevant) != Self.planRelevant(state)
                try db.execute(
                    sql: """
                        INSERT INTO provider (tenant, name, state, card) VALUES (?, ?, ?, ?)
                        ON CONFLICT(tenant, name) DO UPDATE SET state = excluded.state, card = excluded.card
                        """,
                    arguments: [state.ref.tenant.rawValue, state.ref.provider.rawValue, json, cardJSON])
                if planChanged { try Self.bumpSerial(db) }
            case .deleteProvider(let ref, let at):
                let arguments: StatementArguments = [ref.tenant.rawValue, ref.provider.rawValue]
                let webhooks = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM webhook WHERE tenant = ? AND provider = ?", arguments: arguments) ?? 0
                let mappings = try Int.fetchOne(
                    db, sql: "SELECT COUNT(*) FROM mapping WHERE tenant = ? AND provider = ?", arguments: arguments) ?? 0
                try db.execute(sql: "DELETE FROM mapping WHERE tenant = ? AND provider = ?", arguments: arguments)
                try db.execute(sql: "DELETE FROM provider WHERE tenant = ? AND name = ?", arguments: arguments)
                guard db.changesCount > 0 else { return }
                try Self.bumpSerial(db)
                try Self.enqueue(Self.providerDeleted(ref, at: at, webhooks: webhooks, mappings: mappings), in: db)
            case .revokeCredential(let ref, let message, let date):
                try Self.revokeCredential(ref, vendorMessage: message, at: date, in: db)
            case .recordWebhook(let record):
                try Self.recordWebhook(record, in: db)
            case .removeWebhook(let id):
                try db.execute(sql: "DELETE FROM webhook WHERE id = ?", arguments: [id])
            case .enqueue(let event):
                try Self.enqueue(event, in: db)
            }
        }
    }

    public func recordRun(_ run: RunRecord) throws {
        try write { db in
            try db.execute(
                sql: "INSERT INTO run (id, command, startedAt, finishedAt, exitCode, summary) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [
                    run.id, run.command, RFC3339.preciseString(run.startedAt), RFC3339.preciseString(run.finishedAt),
                    Int(run.exitCode), run.summary,
                ])
        }
    }

    /// The most recent runs, newest first.
    public func runs(limit: Int = 20) throws -> [RunRecord] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM run ORDER BY startedAt DESC LIMIT ?", arguments: [limit]).map { row in
                RunRecord(
                    id: row["id"], command: row["command"],
                    startedAt: RFC3339.date(row["startedAt"]) ?? Date(timeIntervalSince1970: 0),
                    finishedAt: RFC3339.date(row["finishedAt"] ?? "") ?? Date(timeIntervalSince1970: 0),
                    exitCode: Int32(row["exitCode"] as Int? ?? 0), summary: row["summary"] ?? "")
            }
        }
    }

    /// Writes a consistent copy of the database to `destination` (SQLite online backup).
    public func backup(to destination: String) throws {
        do {
            let target = try DatabaseQueue(path: destination)
            try pool.backup(to: target)
        } catch {
            throw StateError(.io, "cannot back up the state to \"\(destination)\": \(error)")
        }
    }

    // MARK: - Helpers

    /// The part of a provider's state a plan depends on: sync counters, the last sync, errors and
    /// pending notifications change without moving the serial.
    static func planRelevant(_ state: ProviderState) -> ProviderState {
        var relevant = state
        relevant.lastSync = nil
        relevant.mappingCount = 0
        relevant.conflictCount = 0
        relevant.lastError = nil
        relevant.isNotificationPending = false
        return relevant
    }

    /// The `provider_deleted` event of `ref`: counts only, never an event title.
    static func providerDeleted(_ ref: ProviderRef, at: Date, webhooks: Int, mappings: Int) -> NotificationEvent {
        func count(_ n: Int, _ noun: String) -> String { "\(n) \(noun)\(n == 1 ? "" : "s")" }
        return NotificationEvent(
            type: .providerDeleted, tenant: ref.tenant, provider: ref.provider, at: at,
            message: "\(ref) deleted: \(count(webhooks, "webhook")) removed, \(count(mappings, "mapping")) dropped; entries and vendor events kept",
            dedupeKey: "provider_deleted:\(ref)@\(RFC3339.preciseString(at))")
    }

    private static func bumpSerial(_ db: Database) throws {
        try db.execute(sql: "UPDATE meta SET serial = serial + 1 WHERE id = 1")
    }

    func read<T>(_ body: (Database) throws -> T) throws -> T {
        try mappingErrors("read") { try pool.read(body) }
    }

    func write<T>(_ body: (Database) throws -> T) throws -> T {
        try mappingErrors("write") { try pool.write(body) }
    }

    /// Runs `work`, passing the store's own typed errors through and turning anything else (SQLite,
    /// the file system) into `StateError.io` naming the database.
    func mappingErrors<T>(_ verb: String, _ work: () throws -> T) throws -> T {
        do {
            return try work()
        } catch let error as any StateStoreFailure {
            throw error
        } catch {
            throw StateError(.io, "cannot \(verb) the state database \"\(path)\": \(error)")
        }
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static func encode<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try decoder.decode(type, from: Data(text.utf8))
    }
}

/// The errors the store raises on purpose, which its error mapping passes through unchanged.
protocol StateStoreFailure: Error {}

extension StateError: StateStoreFailure {}
extension EntryError: StateStoreFailure {}
extension ResealFailure: StateStoreFailure {}
extension MappingError: StateStoreFailure {}
