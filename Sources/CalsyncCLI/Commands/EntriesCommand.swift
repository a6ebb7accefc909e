import ArgumentParser
import CalsyncICal
import CalsyncModel
import CalsyncState
import CalsyncStatus
import Foundation

/// `calsync entries ...`: the tenant's schedule, the local side of every sync.
struct EntriesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "entries",
        abstract: "List, add, change, delete, import and export a tenant's schedule entries.",
        discussion: """
            TIME is RFC 3339 (2026-11-24T10:00:00Z) or a date for all-day entries, whose end is exclusive:
            a one-day entry on the 24th ends on the 25th. Entries are written in short transactions of
            their own, so they work while `calsync serve` or a reconcile runs.
            """,
        subcommands: [List.self, Add.self, Update.self, Delete.self, Import.self, Export.self]
    )

    /// The fields `add` and `update` take.
    struct EntryFields: ParsableArguments {
        @Option(help: "Title.") var title: String?
        @Option(help: ArgumentHelp("Start: RFC 3339 instant, or a date for all-day entries.", valueName: "time"))
        var start: String?
        @Option(help: ArgumentHelp("End (exclusive for all-day entries).", valueName: "time")) var end: String?
        @Flag(name: .customLong("all-day"), help: "The entry spans whole days (start and end are dates).")
        var allDay = false
        @Option(name: .customLong("time-zone"), help: ArgumentHelp("IANA time zone, e.g. Europe/Berlin.", valueName: "tz"))
        var timeZone: String?
        @Option(help: "Description.") var description: String?
        @Option(help: "Location.") var location: String?

        func time(_ text: String?, _ flag: String) throws -> EntryTime? {
            guard let text else { return nil }
            guard let time = EntryTime(parsing: text) else {
                throw ValidationError("--\(flag) \"\(text)\" is not a time. Write RFC 3339 (2026-11-24T10:00:00Z) or a date (2026-11-24).")
            }
            if allDay && !time.isDate {
                throw ValidationError("--all-day needs dates: --\(flag) \"\(text)\" is an instant. Write a date such as 2026-11-24.")
            }
            return time
        }

        var changes: EntryChanges {
            get throws {
                EntryChanges(
                    title: title, description: description, location: location, start: try time(start, "start"),
                    end: try time(end, "end"), timeZone: timeZone)
            }
        }
    }

    /// Runs `body` against the state (read-only for commands that only read), turning entry and state
    /// errors into messages and exit 1.
    static func withStore<T>(
        _ runtime: Runtime, readOnly: Bool = false, _ body: (SQLiteStateStore, TenantName) throws -> T
    ) throws -> T {
        guard let tenant = runtime.configuration.tenant else {
            runtime.console.error("error: no tenant named. Pass --tenant T or set CALSYNC_TENANT.")
            throw ExitCode(1)
        }
        guard FileManager.default.fileExists(atPath: runtime.configuration.statePath) else {
            runtime.console.error("error: tenant \"\(tenant)\" is not in the state: there is no state at \"\(runtime.configuration.statePath)\". Reconcile first, or name the state with --state.")
            throw ExitCode(1)
        }
        let opened = readOnly ? try runtime.openReadOnly() : try runtime.openReadWrite()
        guard let store = opened else { throw ExitCode(1) }
        do {
            return try runtime.failing { try body(store, tenant) }
        } catch let error as EntryError {
            runtime.console.error("error: \(error.message)")
            throw ExitCode(1)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List entries (read-only).")
        @Option(help: ArgumentHelp("Only entries ending after this time.", valueName: "time")) var from: String?
        @Option(help: ArgumentHelp("Only entries starting before this time.", valueName: "time")) var to: String?
        @Option(name: [.customShort("o"), .long], help: "Output format.") var output: ListFormat = .table
        @OptionGroup var tenantOptions: TenantOptions
        @OptionGroup var configOptions: ConfigOptions

        func run() async throws {
            let runtime = try Runtime(config: configOptions, tenant: tenantOptions.tenant)
            func bound(_ text: String?, _ flag: String) throws -> Date? {
                guard let text else { return nil }
                guard let time = EntryTime(parsing: text) else { throw ValidationError("--\(flag) \"\(text)\" is not a time.") }
                return time.orderingInstant
            }
            let (from, to) = (try bound(self.from, "from"), try bound(self.to, "to"))
            let entries = try EntriesCommand.withStore(runtime, readOnly: true) { store, tenant in
                try store.entries(tenant: tenant, from: from, to: to)
            }
            switch output {
            case .json: runtime.console.output(EntryJSON.list(entries).rendered())
            case .table: runtime.console.output(EntryTable.render(entries))
            }
        }
    }

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add an entry; prints its id.")
        @OptionGroup var fields: EntryFields
        @OptionGroup var tenantOptions: TenantOptions
        @OptionGroup var configOptions: ConfigOptions

        func validate() throws {
            guard fields.title != nil, fields.start != nil, fields.end != nil else {
                throw ValidationError("add needs --title, --start and --end.")
            }
        }

        func run() async throws {
            let runtime = try Runtime(config: configOptions, tenant: tenantOptions.tenant)
            let changes = try fields.changes
            guard let title = changes.title, let start = changes.start, let end = changes.end else { return }
            let stored = try EntriesCommand.withStore(runtime) { store, tenant in
                let entry = Entry(
                    id: EntryID.random(), tenant: tenant, title: title,
                    description: changes.description, location: changes.location, start: start, end: end,
                    timeZone: changes.timeZone, updatedAt: runtime.now, origin: "local")
                if let problem = EntryRules.problem(with: entry) {
                    throw EntryError(.invalid, "the entry is malformed: \(problem). Correct --start, --end, --title or --time-zone.")
                }
                return try store.addEntry(entry)
            }
            runtime.console.output(stored.id.rawValue)
        }
    }

    struct Update: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Change the given fields of an entry.")
        @Argument(help: "The entry id.") var id: String
        @OptionGroup var fields: EntryFields
        @Option(name: .customLong("if-version"), help: "Change it only while it is at this version.") var ifVersion: Int?
        @OptionGroup var tenantOptions: TenantOptions
        @OptionGroup var configOptions: ConfigOptions

        func run() async throws {
            let runtime = try Runtime(config: configOptions, tenant: tenantOptions.tenant)
            let changes = try fields.changes
            guard !changes.isEmpty else { throw ValidationError("update needs at least one field to change, e.g. --title.") }
            let entry = try EntriesCommand.withStore(runtime) { store, tenant in
                try store.updateEntry(EntryID(rawValue: id), tenant: tenant, changes: changes, ifVersion: ifVersion, now: runtime.now)
            }
            runtime.console.output("\(entry.id) version \(entry.version)")
        }
    }

    struct Delete: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete an entry.")
        @Argument(help: "The entry id.") var id: String
        @OptionGroup var tenantOptions: TenantOptions
        @OptionGroup var configOptions: ConfigOptions

        func run() async throws {
            let runtime = try Runtime(config: configOptions, tenant: tenantOptions.tenant)
            try EntriesCommand.withStore(runtime) { store, tenant in try store.deleteEntry(EntryID(rawValue: id), tenant: tenant) }
            runtime.console.output("Deleted \(id).")
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Import an iCalendar file, all or nothing.",
            discussion: """
                Recurring events are expanded from 30 days before to 365 days after now (--from/--to choose
                another range). A UID already imported is updated when its SEQUENCE is higher (or equal with a
                later DTSTAMP), never duplicated.
                """)
        @Argument(help: ArgumentHelp("The .ics file.", valueName: "file")) var file: String
        @Option(help: ArgumentHelp("Expand recurrences from this time.", valueName: "time")) var from: String?
        @Option(help: ArgumentHelp("Expand recurrences until this time.", valueName: "time")) var to: String?
        @OptionGroup var tenantOptions: TenantOptions
        @OptionGroup var configOptions: ConfigOptions

        func run() async throws {
            let runtime = try Runtime(config: configOptions, tenant: tenantOptions.tenant)
            guard let data = FileManager.default.contents(atPath: file) else {
                runtime.console.error("error: \(file) cannot be read. Check the path and its permissions.")
                throw ExitCode(1)
            }
            var range = ICalendar.defaultRange(around: runtime.now)
            if let from {
                guard let time = EntryTime(parsing: from) else { throw ValidationError("--from \"\(from)\" is not a time.") }
                range = DateInterval(start: time.orderingInstant, end: max(time.orderingInstant, range.end))
            }
            if let to {
                guard let time = EntryTime(parsing: to), time.orderingInstant > range.start else {
                    throw ValidationError("--to \"\(to)\" is not a time after --from.")
                }
                range = DateInterval(start: range.start, end: time.orderingInstant)
            }
            let instances: [ICalInstance]
            do {
                instances = try ICalendar.parse(data, fileName: file).expand(range: range)
            } catch {
                runtime.console.error("\(error)")
                runtime.console.error("Nothing was imported.")
                throw ExitCode(1)
            }
            let result = try EntriesCommand.withStore(runtime) { store, tenant in
                try store.importEntries(
                    instances.map(ICalMapping.imported), tenant: tenant, range: range, now: runtime.now,
                    newID: { EntryID.random() },
                    supersedes: { ICalMapping.supersedes($0, sequence: $1, stamp: $2) })
            }
            runtime.console.output(
                "Imported \(file): \(result.added) added, \(result.updated) updated, \(result.unchanged) unchanged"
                    + (result.removed > 0 ? ", \(result.removed) removed from a revised series." : "."))
        }
    }

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Export the schedule as iCalendar (read-only).")
        @Option(help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file")) var out: String?
        @OptionGroup var tenantOptions: TenantOptions
        @OptionGroup var configOptions: ConfigOptions

        func run() async throws {
            let runtime = try Runtime(config: configOptions, tenant: tenantOptions.tenant)
            let (entries, keys) = try EntriesCommand.withStore(runtime, readOnly: true) { store, tenant in
                (try store.entries(tenant: tenant), try store.sourceKeys(tenant: tenant))
            }
            let text = ICalendar.export(
                entries.map { ICalMapping.exportEvent($0, sourceKey: keys[$0.id]) }, prodID: "-//calsync//calsync \(CalsyncVersion.current)//EN",
                now: runtime.now)
            if let out {
                do {
                    try text.write(toFile: out, atomically: true, encoding: .utf8)
                } catch {
                    runtime.console.error("error: cannot write \(out): \(error)")
                    throw ExitCode(1)
                }
            } else {
                runtime.console.output(text, terminator: "")
            }
        }
    }
}

/// `calsync tenants purge T --confirm T`.
struct TenantsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tenants", abstract: "Tenant lifecycle.", subcommands: [Purge.self])

    struct Purge: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a tenant's schedule (entries stay after its manifests are removed until purged).")
        @Argument(help: "The tenant.") var tenant: String
        @Option(help: ArgumentHelp("The tenant's name again, to confirm.", valueName: "tenant")) var confirm: String
        @OptionGroup var tenantOptions: TenantOptions
        @OptionGroup var configOptions: ConfigOptions

        func validate() throws {
            guard confirm == tenant else { throw ValidationError("--confirm must repeat the tenant's name (\"\(tenant)\").") }
        }

        func run() async throws {
            let scope = try Runtime(config: configOptions, tenant: tenantOptions.tenant)
            if let active = scope.configuration.tenant, active.rawValue != tenant {
                scope.console.error("error: Forbidden: tenant \"\(tenant)\" is not the active tenant \"\(active)\".")
                throw ExitCode(1)
            }
            let runtime = try Runtime(config: configOptions, tenant: tenant)
            let removed = try EntriesCommand.withStore(runtime) { store, tenant in try store.purgeTenant(tenant) }
            runtime.console.output("Purged tenant \"\(tenant)\": \(removed) entries removed.")
        }
    }
}
