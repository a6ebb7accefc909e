import CalsyncModel
import CalsyncSync
import CalsyncTesting
import Foundation
import Testing

/// Random pairs under random rules: the direction and deletion rules hold for every decision, and
/// carrying a decision out then deciding again comes to rest.
@Suite struct SyncRulesPropertyTests {
    typealias F = Fixture

    /// A pair as the test world holds it: both sides' truth, and the mapping.
    struct World {
        var mapping: Mapping?
        var entry: Entry?
        var event: VendorEvent?
        /// Whether this round read the event (else the engine would pass `unchanged`).
        var isEventRead: Bool
        /// Whether the vendor reported the event as gone from the window instead.
        var hasLeftWindow = false
        var isStampChecked = false
        var etagCounter = 100

        var pair: SyncPair {
            let remote: RemoteSide
            if let event {
                if isEventRead || mapping == nil {
                    remote = .event(event)
                } else {
                    remote = hasLeftWindow ? .leftWindow : .unchanged
                }
            } else {
                remote = .absent
            }
            return SyncPair(
                mapping: mapping, local: entry.map(LocalSide.entry) ?? .absent, remote: remote, isStampChecked: isStampChecked)
        }
    }

    @Test func decisionsKeepTheDirectionAndDeletionRules() {
        let seed = TestSize.seed()
        var random = SeededRandom(seed: seed)
        for index in 0..<TestSize.pick(small: 3_000, long: 100_000) {
            // Given a random pair under random rules
            let rules = Self.randomRules(&random)
            let world = Self.randomWorld(&random)
            // When it is decided
            let decision = rules.decision(for: world.pair)
            let action = decision.action
            var broken: [String] = []
            // Then the direction is kept
            if !rules.direction.writesExternal, [.pushCreate, .pushUpdate, .pushDelete, .deleteStray].contains(action) {
                broken.append("wrote the vendor under from_external")
            }
            if !rules.direction.writesLocal, [.pullCreate, .pullUpdate, .pullDelete].contains(action) {
                broken.append("wrote the schedule under to_external")
            }
            // And only mapped pairs are ever deleted
            if decision.isDeletion, world.mapping?.isLive != true { broken.append("deleted an unmapped side") }
            // And an event calsync wrote is never copied back as new
            if world.mapping == nil, world.event?.stamp != nil, action == .pullCreate { broken.append("copied a stamped event back") }
            // And leaving the window alone is never a deletion
            if world.mapping != nil, world.pair.remote == .leftWindow, let entry = world.entry,
                ContentHash.of(entry) == world.mapping?.localHash, decision.isDeletion
            {
                broken.append("deleted a pair that left the window")
            }
            // And a conflict is only ever raised under `manual`
            if decision == .conflict, world.mapping?.status != .conflict, rules.conflictPolicy != .manual {
                broken.append("raised a conflict the policy settles")
            }
            #expect(
                broken.isEmpty,
                "seed \(seed) (replay with CALSYNC_SEED=\(seed)), case \(index): \(rules.direction) \(rules.conflictPolicy) \(world.pair) → \(decision): \(broken)")
            if !broken.isEmpty { return }
        }
    }

    @Test func carryingOutADecisionComesToRest() {
        let seed = TestSize.seed()
        var random = SeededRandom(seed: seed)
        for index in 0..<TestSize.pick(small: 3_000, long: 100_000) {
            // Given a random pair under random rules
            let rules = Self.randomRules(&random)
            var world = Self.randomWorld(&random)
            var trail: [SyncDecision] = []
            // When decisions are carried out until one writes nothing
            for _ in 0..<6 {
                let decision = rules.decision(for: world.pair)
                trail.append(decision)
                if [.nothing, .conflict].contains(decision) { break }
                Self.carryOut(decision, in: &world, rules: rules)
            }
            // Then it comes to rest within a few steps, and a resting pair's sides agree or wait for a person
            let context = "seed \(seed) (replay with CALSYNC_SEED=\(seed)), case \(index): \(rules.direction) \(rules.conflictPolicy): \(trail)"
            let rests = [.nothing, .conflict].contains(trail.last)
            #expect(rests, "\(context)")
            var agrees = true
            if trail.last == .nothing, let entry = world.entry, let event = world.event, let mapping = world.mapping,
                mapping.isLive, mapping.status != .parked, mapping.vendorEventID == event.id
            {
                agrees = ContentHash.of(entry) == ContentHash.of(event)
                #expect(agrees, "\(context)")
            }
            if !rests || !agrees { return }
        }
    }

    // MARK: - Carrying out, as the engine would

    static func carryOut(_ decision: SyncDecision, in world: inout World, rules: SyncRules) {
        func record(status: MappingStatus? = nil) {
            guard var mapping = world.mapping ?? world.entry.map({ newMapping(for: $0) }) else { return }
            mapping.localHash = world.entry.map(ContentHash.of)
            mapping.remoteHash = world.event.flatMap(ContentHash.of)
            mapping.etag = world.event?.etag
            mapping.vendorEventID = world.event?.id ?? mapping.vendorEventID
            mapping.entryID = world.entry?.id ?? mapping.entryID
            mapping.resolution = nil
            mapping.attempt = nil
            // Outside the window as far as the sides read this round tell, as the engine judges it
            let pair = world.pair
            let outside = pair.remote == .leftWindow
                || [pair.entry.map(rules.isInWindow), pair.event.map(rules.isInWindow)].contains(false)
            mapping.status = status ?? (outside ? .parked : .synced)
            world.mapping = mapping
            world.isEventRead = false
        }
        func newEtag() -> String {
            world.etagCounter += 1
            return "\"\(world.etagCounter)\""
        }
        switch decision.action {
        case .nothing, .conflict, .settled: return
        case .rebase: record()
        case .park: world.mapping?.status = .parked
        case .adopt:
            // The engine keeps the hash of what it pushed as the local base
            guard let event = world.event else { return }
            world.mapping?.vendorEventID = event.id
            world.mapping?.etag = event.etag
            world.mapping?.remoteHash = ContentHash.of(event)
            world.mapping?.status = .synced
        case .findByStamp: world.isStampChecked = true
        case .fetchRemote:
            world.isEventRead = true
            world.hasLeftWindow = false
        case .pullCreate, .pullUpdate:
            guard let event = world.event, let start = event.start, let end = event.end else { return }
            let id = world.entry?.id ?? world.mapping?.entryID ?? EntryID(rawValue: "pulled-\(event.id)")
            world.entry = Entry(
                id: id, tenant: F.ref.tenant, title: event.title, description: event.description, location: event.location,
                start: start, end: end, timeZone: event.timeZone, updatedAt: F.now, origin: F.ref.description)
            record()
        case .pullDelete:
            world.entry = nil
            record(status: .deleted)
        case .pushCreate, .pushUpdate:
            guard let entry = world.entry else { return }
            let mapping = world.mapping ?? newMapping(for: entry)
            world.mapping = mapping
            world.event = VendorEvent(
                id: world.event?.id ?? "g-\(mapping.id)", etag: newEtag(), title: entry.title, description: entry.description,
                location: entry.location, start: entry.start, end: entry.end, timeZone: entry.timeZone, updatedAt: F.now,
                stamp: mapping.stamp)
            world.isEventRead = true
            world.hasLeftWindow = false
            record()
        case .pushDelete:
            world.event = nil
            record(status: .deleted)
        case .deleteStray:
            world.event = nil
            world.isEventRead = false
        case .forget:
            world.mapping?.status = .deleted
        }
    }

    static func newMapping(for entry: Entry) -> Mapping {
        Mapping(id: MappingID(rawValue: "new"), ref: F.ref, entryID: entry.id, status: .pending)
    }

    // MARK: - Random worlds

    static func randomRules(_ random: inout SeededRandom) -> SyncRules {
        F.rules(
            SyncDirection.allCases.randomElement(using: &random)!, ConflictPolicy.allCases.randomElement(using: &random)!)
    }

    static func randomWorld(_ random: inout SeededRandom) -> World {
        let titles = ["A", "B", "C"]
        let starts: [Double] = [-24 * 40, 1, 24, 24 * 400]
        func entry() -> Entry {
            F.entry(titles.randomElement(using: &random)!, start: starts.randomElement(using: &random)!, updated: Double(Int.random(in: 0...3, using: &random)))
        }
        func event(stamp: OwnershipStamp?) -> VendorEvent {
            F.event(
                titles.randomElement(using: &random)!, start: starts.randomElement(using: &random)!,
                etag: "\"\(Int.random(in: 1...3, using: &random))\"", updated: Double(Int.random(in: 0...3, using: &random)),
                id: "v1", stamp: stamp)
        }
        let stamp: OwnershipStamp? = [nil, F.stamp, OwnershipStamp(tenant: F.other.tenant, provider: F.other.provider, mapping: "x")]
            .randomElement(using: &random)!
        var world = World(
            mapping: nil, entry: Bool.random(using: &random) ? entry() : nil,
            event: Bool.random(using: &random) ? event(stamp: stamp) : nil, isEventRead: Bool.random(using: &random))
        if Int.random(in: 0..<4, using: &random) > 0 {
            // A mapping synced when both sides held the base content
            let baseEntry = entry()
            let hoursFromNow = baseEntry.start.orderingInstant.timeIntervalSince(F.now) / 3600
            let baseEvent = F.event(baseEntry.title, start: hoursFromNow, etag: "\"1\"", id: "v1", stamp: F.stamp)
            var mapping = F.mapping(baseEntry, baseEvent)
            mapping.status = [.synced, .synced, .pending, .conflict, .error, .parked, .deleted].randomElement(using: &random)!
            if Int.random(in: 0..<6, using: &random) == 0 { mapping.resolution = ConflictResolution.allCases.randomElement(using: &random) }
            // Each side is as synced, edited, or deleted
            switch Int.random(in: 0..<3, using: &random) {
            case 0: world.entry = baseEntry
            case 1: world.entry = entry()
            default: world.entry = nil
            }
            switch Int.random(in: 0..<4, using: &random) {
            case 0: world.event = baseEvent
            case 1:
                var edited = event(stamp: F.stamp)
                edited.etag = "\"5\""
                world.event = edited
            case 2: world.event = nil
            default: world.event = world.event.map { var stray = $0; stray.id = "other"; return stray }
            }
            if Int.random(in: 0..<8, using: &random) == 0 {
                // A create that was sent and whose answer was lost: if the event exists, it holds what was pushed
                mapping.vendorEventID = nil
                mapping.etag = nil
                mapping.remoteHash = nil
                mapping.status = .pending
                mapping.resolution = nil
                world.event = Bool.random(using: &random) ? baseEvent : nil
            }
            world.mapping = mapping
            world.hasLeftWindow = Int.random(in: 0..<5, using: &random) == 0
            // An incremental read reports every vendor change: a changed or unknown event is read, or left the window
            if let event = world.event, event.id != mapping.vendorEventID || event.etag != mapping.etag {
                world.hasLeftWindow = world.hasLeftWindow && event.id == mapping.vendorEventID
                world.isEventRead = !world.hasLeftWindow
            }
        }
        return world
    }
}
