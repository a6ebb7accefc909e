import CalsyncEmulator
import CalsyncModel
import CalsyncProviders
import CalsyncState
import CalsyncSync
import CalsyncSyncEngine
import CalsyncTesting
import Foundation
import Testing

/// Seeded rounds of random edits on the tenant's schedule and on both vendors (one Google and one Graph
/// provider sharing the schedule), with random vendor faults, then syncs until quiet: both vendors and the
/// schedule must hold the same events, none twice, no event calsync neither owned nor mapped deleted, and
/// every conflict surfaced exactly once. Replay a failure with `CALSYNC_SEED`.
@Suite(.serialized) struct SyncConvergenceTests {
    static let refs = [SyncRig.google, SyncRig.graph]
    static let day: TimeInterval = 86_400

    /// What the test knows about the world it edits.
    struct Ledger {
        /// Events the test created as a vendor's owner (unstamped), by provider.
        var foreign: [ProviderRef: Set<String>] = [:]
        /// Foreign events the test itself deleted.
        var deletedByOwner: Set<String> = []
        /// Recurring series the test created, by provider (edited and deleted only as a whole).
        var series: [ProviderRef: Set<String>] = [:]
        /// Conflicts reported new by syncs, and resolutions made.
        var newConflicts = 0
        /// Single instances of a series the owner edited or cancelled.
        var instanceEdits = 0
        var resolutions = 0
        var log: [String] = []
    }

    @Test func randomEditsOnBothSidesConverge() async throws {
        let seed = TestSize.seed()
        let rounds = TestSize.pick(small: 40, long: 200)
        var random = SeededRandom(seed: seed)
        let policy: ConflictPolicy = Int.random(in: 0..<4, using: &random) == 0 ? [.preferLocal, .preferExternal, .newest].randomElement(using: &random)! : .manual
        let rig = try await SyncRig.start(seed: seed, timeout: .seconds(1)) { $0.conflictPolicy = policy }
        var ledger = Ledger()
        let context = "seed \(seed) (replay with CALSYNC_SEED=\(seed)), policy \(policy.rawValue)"

        do {
            for round in 0..<rounds {
                // Given random edits on every side, and random faults at the vendors
                try await editSchedule(rig, &random, &ledger, round: round)
                for ref in Self.refs { try await editVendor(rig, ref, &random, &ledger, round: round) }
                try await injectFaults(rig, &random, &ledger)
                // When both providers sync through the faults
                for ref in Self.refs.shuffled(using: &random) {
                    let report = try await rig.sync(ref)
                    ledger.newConflicts += report.newConflicts
                    ledger.log.append("round \(round) \(ref): \(report.countsLine) \(report.outcome)")
                }
                try await resolveConflicts(rig, &random, &ledger)
            }
            // Then, the faults gone, syncing comes to rest
            try await rig.harness.clearFaults()
            var quiet = false
            for pass in 0..<12 where !quiet {
                quiet = true
                for ref in Self.refs {
                    let report = try await rig.sync(ref)
                    ledger.newConflicts += report.newConflicts
                    ledger.log.append("settle \(pass) \(ref): \(report.countsLine) \(report.outcome)")
                    if report.pulled + report.pushed + report.deleted + report.errors + report.conflicts > 0 || report.outcome != .completed {
                        quiet = false
                    }
                }
                try await resolveConflicts(rig, &random, &ledger)
            }
            #expect(quiet, "\(context): no rest after 12 passes:\n\(ledger.log.suffix(12).joined(separator: "\n"))")
            try await checkConverged(rig, ledger, policy: policy, context: context)
        } catch {
            Issue.record("\(context): \(error)\n\(ledger.log.suffix(12).joined(separator: "\n"))")
        }
        await rig.stop()
    }

    // MARK: - Edits

    static let titles = ["Board", "Standup", "Review", "Lunch", "Offsite", "1:1", "Retro", "Demo"]
    static let zones: [String?] = [nil, "Europe/Berlin", "America/New_York", "Asia/Tokyo"]

    /// A start inside the window, on the quarter hour.
    static func start(_ random: inout SeededRandom) -> Date {
        SyncRig.start.addingTimeInterval(Double(Int.random(in: -20 * 96...300 * 96, using: &random)) * 900)
    }

    func editSchedule(_ rig: SyncRig, _ random: inout SeededRandom, _ ledger: inout Ledger, round: Int) async throws {
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let editable = try rig.entries()
            switch Int.random(in: 0..<10, using: &random) {
            case 0..<4:
                let title = "\(Self.titles.randomElement(using: &random)!) L\(round)"
                if Int.random(in: 0..<4, using: &random) == 0 {
                    let day = String(RFC3339.string(Self.start(&random)).prefix(10))
                    try rig.addAllDay(title, day: day, days: Int.random(in: 1...3, using: &random))
                } else {
                    try rig.addEntry(
                        title, start: Self.start(&random), hours: [0.5, 1, 2].randomElement(using: &random)!,
                        timeZone: Self.zones.randomElement(using: &random)!,
                        description: Bool.random(using: &random) ? "Notes \(round)" : nil,
                        location: Bool.random(using: &random) ? "Room \(round)" : nil)
                }
            case 4..<8:
                guard let entry = editable.randomElement(using: &random) else { continue }
                var changes = EntryChanges(title: "\(Self.titles.randomElement(using: &random)!) L\(round)e")
                if !entry.isAllDay, Bool.random(using: &random) {
                    let start = Self.start(&random)
                    changes.start = .instant(start)
                    changes.end = .instant(start.addingTimeInterval(3600))
                }
                _ = try rig.store.updateEntry(entry.id, tenant: SyncRig.tenant, changes: changes, now: rig.now)
            default:
                guard let entry = editable.randomElement(using: &random) else { continue }
                try rig.store.deleteEntry(entry.id, tenant: SyncRig.tenant)
            }
        }
    }

    func editVendor(_ rig: SyncRig, _ ref: ProviderRef, _ random: inout SeededRandom, _ ledger: inout Ledger, round: Int) async throws {
        for _ in 0..<Int.random(in: 0...3, using: &random) {
            let seriesIDs = ledger.series[ref] ?? []
            // Single events the owner may edit: not a series, not one of its instances
            let live = try await rig.raw(ref).filter { $0["deleted"] != .bool(true) }
            let editable = live.filter { event in
                guard let id = event["id"]?.stringValue, !seriesIDs.contains(id) else { return false }
                return event["recurringEventId"] == nil && event["seriesMasterId"] == nil && event["recurrence"] == nil
            }
            let singles = editable.compactMap { $0["id"]?.stringValue }.sorted()
            // Only timed events are moved to other times (an all-day event keeps whole days).
            let timed = editable.filter { $0["start"]?["dateTime"] != nil && $0["isAllDay"] != .bool(true) }
                .compactMap { $0["id"]?.stringValue }.sorted()
            switch Int.random(in: 0..<13, using: &random) {
            case 0..<4:
                let id = try await rig.ownerCreate(
                    ref, "\(Self.titles.randomElement(using: &random)!) V\(round)", start: Self.start(&random))
                ledger.foreign[ref, default: []].insert(id)
            case 4:
                let start = Self.start(&random)
                let count = Int.random(in: 2...3, using: &random)
                let extra: [String: CalsyncEmulator.JSONValue] =
                    ref == SyncRig.google
                    ? ["recurrence": [.string("RRULE:FREQ=DAILY;COUNT=\(count)")], "start": ["dateTime": .string(RFC3339.string(start)), "timeZone": "UTC"], "end": ["dateTime": .string(RFC3339.string(start.addingTimeInterval(3600))), "timeZone": "UTC"]]
                    : ["recurrence": ["pattern": ["type": "daily", "interval": 1], "range": ["type": "numbered", "numberOfOccurrences": .int(count), "startDate": .string(String(RFC3339.string(start).prefix(10)))]]]
                let id = try await rig.ownerCreate(ref, "Series V\(round)", start: start, extra: extra)
                ledger.foreign[ref, default: []].insert(id)
                ledger.series[ref, default: []].insert(id)
            case 5..<8:
                guard let id = singles.randomElement(using: &random) else { continue }
                try await rig.ownerRename(ref, id, to: "\(Self.titles.randomElement(using: &random)!) V\(round)e")
            case 8:
                guard let id = timed.randomElement(using: &random) else { continue }
                try await rig.ownerMove(ref, id, start: Self.start(&random))
            case 12:
                // One instance of a series moved, renamed or cancelled on its own: an exception
                guard let series = seriesIDs.sorted().randomElement(using: &random) else { continue }
                let cancelled = Set(try await rig.raw(ref).filter { $0["deleted"] == .bool(true) }.compactMap { $0["id"]?.stringValue })
                let instances = try rig.mappings(ref).filter { $0.seriesID == series && $0.isLive }.compactMap(\.vendorEventID)
                guard let id = instances.filter({ !cancelled.contains($0) }).sorted().randomElement(using: &random) else { continue }
                switch Int.random(in: 0..<3, using: &random) {
                case 0: try await rig.ownerRename(ref, id, to: "Instance V\(round)e")
                case 1: try await rig.ownerMove(ref, id, start: Self.start(&random))
                default: try await rig.ownerDelete(ref, id)
                }
                ledger.log.append("instance \(id) of \(series) edited at \(ref)")
                ledger.instanceEdits += 1
            case 9:
                guard let id = seriesIDs.sorted().randomElement(using: &random) else { continue }
                if Bool.random(using: &random) {
                    try await rig.ownerRename(ref, id, to: "Series V\(round)r")
                } else {
                    try await rig.ownerDelete(ref, id)
                    ledger.series[ref]?.remove(id)
                    ledger.deletedByOwner.insert(id)
                }
            default:
                guard let id = singles.randomElement(using: &random) else { continue }
                try await rig.ownerDelete(ref, id)
                ledger.deletedByOwner.insert(id)
            }
        }
    }

    func injectFaults(_ rig: SyncRig, _ random: inout SeededRandom, _ ledger: inout Ledger) async throws {
        try await rig.harness.clearFaults()
        for (prefix, ref) in [("/google/calendar/**", SyncRig.google), ("/graph/v1.0/**", SyncRig.graph)] {
            if Bool.random(using: &random) {
                try await rig.harness.injectFault(FaultRule(path: prefix, status: 429, retryAfter: 0, probability: 0.1))
            }
            if Int.random(in: 0..<3, using: &random) == 0 {
                let method = ["POST", "PATCH", "DELETE"].randomElement(using: &random)!
                let moment: DropMoment = Bool.random(using: &random) ? .before : .after
                try await rig.harness.injectFault(FaultRule(method: method, path: prefix, drop: moment, count: 1, probability: 0.3))
                ledger.log.append("fault \(ref): drop \(moment.rawValue) \(method)")
            }
            if Int.random(in: 0..<4, using: &random) == 0 {
                try await rig.expireCursors(ref)
                ledger.log.append("fault \(ref): cursors expired")
            }
        }
    }

    /// Settles every conflict waiting for a person, choosing a side at random.
    func resolveConflicts(_ rig: SyncRig, _ random: inout SeededRandom, _ ledger: inout Ledger) async throws {
        for conflict in try rig.store.conflicts(tenant: SyncRig.tenant) {
            let keep: ConflictResolution = Bool.random(using: &random) ? .keepLocal : .keepExternal
            _ = try rig.store.resolveConflict(conflict.mapping, tenant: SyncRig.tenant, keep: keep)
            ledger.resolutions += 1
            ledger.log.append("resolved \(conflict.mapping) \(conflict.ref) keep \(keep.rawValue)")
        }
    }

    // MARK: - The verdict

    /// The fields both sides must agree on.
    struct Content: Hashable, Comparable, CustomStringConvertible {
        var title: String
        var start: String
        var end: String
        var location: String
        var notes: String

        init(title: String, start: EntryTime, end: EntryTime, location: String?, description: String?) {
            func text(_ value: String?) -> String { (value ?? "").trimmingCharacters(in: .whitespacesAndNewlines) }
            self.title = text(title)
            self.start = start.description
            self.end = end.description
            self.location = text(location)
            self.notes = text(description)
        }

        static func < (lhs: Self, rhs: Self) -> Bool { (lhs.start, lhs.title) < (rhs.start, rhs.title) }
        var description: String { "\(title) \(start)–\(end)" }
    }

    func checkConverged(_ rig: SyncRig, _ ledger: Ledger, policy: ConflictPolicy, context: String) async throws {
        let window = SyncRange.interval(SyncWindow(), now: rig.now)
        let entries = try rig.entries().filter { SyncRange.overlaps(start: $0.start, end: $0.end, window) }
        func content(_ entry: Entry) -> Content {
            Content(title: entry.title, start: entry.start, end: entry.end, location: entry.location, description: entry.description)
        }
        let local = entries.map(content).sorted()
        for ref in Self.refs {
            let events = try await rig.vendorEvents(ref)
            func eventContent(_ event: VendorEvent) -> Content? {
                guard let start = event.start, let end = event.end else { return nil }
                return Content(title: event.title, start: start, end: end, location: event.location, description: event.description)
            }
            let remote = events.compactMap(eventContent).sorted()
            // Both sides equal
            let isEqual = remote == local
            if !isEqual {
                let mappings = try rig.mappings(ref)
                let onlyRemote = events.filter { event in eventContent(event).map { !local.contains($0) } ?? false }.map { event in
                    let mapping = mappings.first { $0.vendorEventID == event.id }
                    return "\(eventContent(event)!) id \(event.id) series \(event.seriesID ?? "-") stamp \(event.stamp?.description ?? "-") mapping \(mapping.map { "\($0.id) \($0.status) entry \($0.entryID?.rawValue ?? "-")" } ?? "none")"
                }
                let onlyLocal = entries.filter { !remote.contains(content($0)) }.map { entry in
                    let mapping = mappings.first { $0.entryID == entry.id }
                    return "\(content(entry)) entry \(entry.id) origin \(entry.origin) mapping \(mapping.map { "\($0.id) \($0.status) event \($0.vendorEventID ?? "-")" } ?? "none")"
                }
                Issue.record(
                    "\(context): \(ref) differs from the schedule\n  only at the vendor:\n    \(onlyRemote.joined(separator: "\n    "))\n  only in the schedule:\n    \(onlyLocal.joined(separator: "\n    "))\n\(ledger.log.suffix(16).joined(separator: "\n"))")
            }
            // No duplicates: one live event per stamp, one mapping per event
            let stamps = events.compactMap(\.stamp)
            #expect(Set(stamps).count == stamps.count, "\(context): \(ref) holds two events with one stamp")
            let mapped = try rig.mappings(ref).filter { $0.isLive }.compactMap(\.vendorEventID)
            #expect(Set(mapped).count == mapped.count, "\(context): \(ref) maps one event twice")
            // No foreign event deleted unless calsync had it mapped
            let live = try await rig.liveIDs(ref)
            let everMapped = Set(try rig.mappings(ref).compactMap(\.vendorEventID))
            let series = Set(try rig.mappings(ref).compactMap(\.seriesID))
            for id in (ledger.foreign[ref] ?? []).subtracting(ledger.deletedByOwner) where !live.contains(id) {
                #expect(everMapped.contains(id) || series.contains(id), "\(context): foreign event \(id) at \(ref) was deleted though calsync never mapped it")
            }
            #expect(try rig.mappings(ref).allSatisfy { $0.status != .conflict && $0.status != .error && $0.status != .pending }, "\(context): \(ref) has mappings not at rest")
        }
        // Every conflict surfaced exactly once, and each resolved once
        let events = try rig.outbox(.conflict)
        #expect(events.count == ledger.newConflicts, "\(context): \(events.count) conflict events for \(ledger.newConflicts) conflicts")
        #expect(Set(events).count == events.count, "\(context): a conflict event was queued twice")
        if policy == .manual {
            #expect(ledger.resolutions == ledger.newConflicts, "\(context): \(ledger.resolutions) resolutions for \(ledger.newConflicts) conflicts")
        }
    }
}
