import CalsyncModel
import CalsyncSync
import Foundation
import Testing

/// One named row of the decision table.
struct DecisionCase: Sendable, CustomTestStringConvertible {
    let name: String
    let rules: SyncRules
    let pair: SyncPair
    let expected: SyncDecision

    init(_ name: String, _ rules: SyncRules, _ pair: SyncPair, _ expected: SyncDecision) {
        self.name = name
        self.rules = rules
        self.pair = pair
        self.expected = expected
    }

    /// A row under `bidirectional` and `manual`.
    init(_ name: String, _ pair: SyncPair, _ expected: SyncDecision) {
        self.init(name, Fixture.rules(), pair, expected)
    }

    var testDescription: String { name }
}

/// The three-way decision of SPEC section 8, one row per rule.
@Suite struct SyncRulesTests {
    typealias F = Fixture

    static let edited = F.entry("Board (moved)", updated: 2)
    static let editedRemote = F.event("Board (remote)", etag: "\"2\"", updated: 1)

    static let unmapped: [DecisionCase] = [
        DecisionCase("a new entry is pushed (bidirectional)", SyncPair(mapping: nil, local: .entry(F.entry()), remote: .absent), .pushCreate),
        DecisionCase("a new entry is pushed (to_external)", F.rules(.toExternal), SyncPair(mapping: nil, local: .entry(F.entry()), remote: .absent), .pushCreate),
        DecisionCase("a new entry is not pushed (from_external)", F.rules(.fromExternal), SyncPair(mapping: nil, local: .entry(F.entry()), remote: .absent), .nothing),
        DecisionCase(
            "an entry pulled from this provider is never pushed back as new",
            SyncPair(mapping: nil, local: .entry(Entry(id: EntryID(rawValue: "p"), tenant: F.ref.tenant, title: "T", start: .instant(F.at(hours: 2)), end: .instant(F.at(hours: 3)), updatedAt: F.now, origin: "acme/google-main")), remote: .absent),
            .nothing),
        DecisionCase(
            "an entry pulled from another provider is pushed",
            SyncPair(mapping: nil, local: .entry(Entry(id: EntryID(rawValue: "p"), tenant: F.ref.tenant, title: "T", start: .instant(F.at(hours: 2)), end: .instant(F.at(hours: 3)), updatedAt: F.now, origin: "acme/outlook")), remote: .absent),
            .pushCreate),
        DecisionCase("a new entry outside the window is not pushed", SyncPair(mapping: nil, local: .entry(F.entry(start: 24 * 400)), remote: .absent), .nothing),
        DecisionCase("a new entry long past is not pushed", SyncPair(mapping: nil, local: .entry(F.entry(start: -24 * 40)), remote: .absent), .nothing),
        DecisionCase("a new vendor event is pulled (bidirectional)", SyncPair(mapping: nil, local: .absent, remote: .event(F.event())), .pullCreate),
        DecisionCase("a new vendor event is pulled (from_external)", F.rules(.fromExternal), SyncPair(mapping: nil, local: .absent, remote: .event(F.event())), .pullCreate),
        DecisionCase("a new vendor event is not pulled (to_external)", F.rules(.toExternal), SyncPair(mapping: nil, local: .absent, remote: .event(F.event())), .nothing),
        DecisionCase("a new vendor event outside the window is not pulled", SyncPair(mapping: nil, local: .absent, remote: .event(F.event(start: 24 * 400))), .nothing),
        DecisionCase(
            "an event stamped for another provider is never copied back",
            SyncPair(mapping: nil, local: .absent, remote: .event(F.event(stamp: OwnershipStamp(tenant: F.other.tenant, provider: F.other.provider, mapping: "x")))),
            .nothing),
        DecisionCase("an event stamped for an unknown mapping is never copied back", SyncPair(mapping: nil, local: .absent, remote: .event(F.event(stamp: F.stamp))), .nothing),
        DecisionCase("an unmapped deletion is nothing", SyncPair(mapping: nil, local: .absent, remote: .absent), .nothing),
    ]

    static let bidirectional: [DecisionCase] = [
        DecisionCase("our own write read back with its etag is nothing", SyncPair(mapping: F.mapping(), local: .entry(F.entry()), remote: .event(F.event())), .nothing),
        DecisionCase("an unchanged pair is nothing", SyncPair(mapping: F.mapping(), local: .entry(F.entry()), remote: .unchanged), .nothing),
        DecisionCase(
            "a new etag with the same content records the etag", SyncPair(mapping: F.mapping(), local: .entry(F.entry()), remote: .event(F.event(etag: "\"9\""))),
            .rebase),
        DecisionCase("a local edit is pushed", SyncPair(mapping: F.mapping(), local: .entry(edited), remote: .unchanged), .pushUpdate),
        DecisionCase("a local edit with the echo read back is pushed", SyncPair(mapping: F.mapping(), local: .entry(edited), remote: .event(F.event())), .pushUpdate),
        DecisionCase("a vendor edit is pulled", SyncPair(mapping: F.mapping(), local: .entry(F.entry()), remote: .event(editedRemote)), .pullUpdate),
        DecisionCase("edits on both sides are a conflict", SyncPair(mapping: F.mapping(), local: .entry(edited), remote: .event(editedRemote)), .conflict),
        DecisionCase(
            "the same edit on both sides is recorded", SyncPair(mapping: F.mapping(), local: .entry(edited), remote: .event(F.event("Board (moved)", etag: "\"2\""))),
            .rebase),
        DecisionCase("a local deletion is pushed", SyncPair(mapping: F.mapping(), local: .absent, remote: .unchanged), .pushDelete),
        DecisionCase("a vendor deletion is pulled", SyncPair(mapping: F.mapping(), local: .entry(F.entry()), remote: .absent), .pullDelete),
        DecisionCase("both deleted forgets the pair", SyncPair(mapping: F.mapping(), local: .absent, remote: .absent), .forget),
        DecisionCase("a local deletion against a vendor edit is a conflict", SyncPair(mapping: F.mapping(), local: .absent, remote: .event(editedRemote)), .conflict),
        DecisionCase("a local edit against a vendor deletion is a conflict", SyncPair(mapping: F.mapping(), local: .entry(edited), remote: .absent), .conflict),
        DecisionCase("an event leaving the window is parked, not deleted", SyncPair(mapping: F.mapping(), local: .entry(F.entry()), remote: .leftWindow), .park),
        DecisionCase("a parked pair still outside stays parked", SyncPair(mapping: F.mapping(status: .parked), local: .entry(F.entry()), remote: .leftWindow), .nothing),
        DecisionCase(
            "a pair the window passed by is parked", SyncPair(mapping: F.mapping(F.entry(start: -24 * 40), F.event(start: -24 * 40)), local: .entry(F.entry(start: -24 * 40)), remote: .unchanged),
            .park),
        DecisionCase("a parked pair back in the window is recorded", SyncPair(mapping: F.mapping(status: .parked), local: .entry(F.entry()), remote: .event(F.event())), .rebase),
        DecisionCase("a local edit of a pair that left the window is pushed", SyncPair(mapping: F.mapping(), local: .entry(edited), remote: .leftWindow), .pushUpdate),
        DecisionCase("a local deletion of a pair that left the window is pushed", SyncPair(mapping: F.mapping(), local: .absent, remote: .leftWindow), .pushDelete),
        DecisionCase("a reset mapping whose sides agree is recorded", SyncPair(mapping: F.mapping(status: .pending), local: .entry(F.entry()), remote: .unchanged), .rebase),
    ]

    static let policies: [DecisionCase] = [
        DecisionCase("prefer_local pushes over a vendor edit", F.rules(.bidirectional, .preferLocal), SyncPair(mapping: F.mapping(), local: .entry(edited), remote: .event(editedRemote)), .settled(.preferLocal, .pushUpdate)),
        DecisionCase("prefer_external pulls over a local edit", F.rules(.bidirectional, .preferExternal), SyncPair(mapping: F.mapping(), local: .entry(edited), remote: .event(editedRemote)), .settled(.preferExternal, .pullUpdate)),
        DecisionCase("newest: the later local edit wins", F.rules(.bidirectional, .newest), SyncPair(mapping: F.mapping(), local: .entry(F.entry("L", updated: 3)), remote: .event(F.event("R", etag: "\"2\"", updated: 2))), .settled(.newest, .pushUpdate)),
        DecisionCase("newest: the later vendor edit wins", F.rules(.bidirectional, .newest), SyncPair(mapping: F.mapping(), local: .entry(F.entry("L", updated: 1)), remote: .event(F.event("R", etag: "\"2\"", updated: 2))), .settled(.newest, .pullUpdate)),
        DecisionCase("newest: a tie keeps the entry", F.rules(.bidirectional, .newest), SyncPair(mapping: F.mapping(), local: .entry(F.entry("L", updated: 2)), remote: .event(F.event("R", etag: "\"2\"", updated: 2))), .settled(.newest, .pushUpdate)),
        DecisionCase("newest: a vendor edit beats a local deletion", F.rules(.bidirectional, .newest), SyncPair(mapping: F.mapping(), local: .absent, remote: .event(editedRemote)), .settled(.newest, .pullCreate)),
        DecisionCase("newest: a local edit beats a vendor deletion", F.rules(.bidirectional, .newest), SyncPair(mapping: F.mapping(), local: .entry(edited), remote: .absent), .settled(.newest, .pushCreate)),
        DecisionCase("prefer_local: a local deletion beats a vendor edit", F.rules(.bidirectional, .preferLocal), SyncPair(mapping: F.mapping(), local: .absent, remote: .event(editedRemote)), .settled(.preferLocal, .pushDelete)),
        DecisionCase("prefer_external: a vendor deletion beats a local edit", F.rules(.bidirectional, .preferExternal), SyncPair(mapping: F.mapping(), local: .entry(edited), remote: .absent), .settled(.preferExternal, .pullDelete)),
        DecisionCase("prefer_local: a local edit re-creates a deleted event", F.rules(.bidirectional, .preferLocal), SyncPair(mapping: F.mapping(), local: .entry(edited), remote: .absent), .settled(.preferLocal, .pushCreate)),
        DecisionCase("prefer_external: a vendor edit restores a deleted entry", F.rules(.bidirectional, .preferExternal), SyncPair(mapping: F.mapping(), local: .absent, remote: .event(editedRemote)), .settled(.preferExternal, .pullCreate)),
    ]

    static let oneWay: [DecisionCase] = [
        DecisionCase("to_external overwrites a vendor edit", F.rules(.toExternal), SyncPair(mapping: F.mapping(), local: .entry(F.entry()), remote: .event(editedRemote)), .pushUpdate),
        DecisionCase("to_external re-creates a deleted vendor event, never deletes the entry", F.rules(.toExternal), SyncPair(mapping: F.mapping(), local: .entry(F.entry()), remote: .absent), .pushCreate),
        DecisionCase("to_external pushes a local deletion", F.rules(.toExternal), SyncPair(mapping: F.mapping(), local: .absent, remote: .unchanged), .pushDelete),
        DecisionCase("to_external pushes a local edit", F.rules(.toExternal), SyncPair(mapping: F.mapping(), local: .entry(edited), remote: .unchanged), .pushUpdate),
        DecisionCase("to_external with both deleted forgets", F.rules(.toExternal), SyncPair(mapping: F.mapping(), local: .absent, remote: .absent), .forget),
        DecisionCase(
            "to_external records a vendor edit equal to the entry", F.rules(.toExternal),
            SyncPair(mapping: F.mapping(), local: .entry(edited), remote: .event(F.event("Board (moved)", etag: "\"2\""))), .rebase),
        DecisionCase("from_external pulls a vendor edit", F.rules(.fromExternal), SyncPair(mapping: F.mapping(), local: .entry(F.entry()), remote: .event(editedRemote)), .pullUpdate),
        DecisionCase("from_external reads the event to overwrite a local edit", F.rules(.fromExternal), SyncPair(mapping: F.mapping(), local: .entry(edited), remote: .unchanged), .fetchRemote),
        DecisionCase("from_external overwrites a local edit", F.rules(.fromExternal), SyncPair(mapping: F.mapping(), local: .entry(edited), remote: .event(F.event())), .pullUpdate),
        DecisionCase("from_external never pushes a local deletion: it reads the event", F.rules(.fromExternal), SyncPair(mapping: F.mapping(), local: .absent, remote: .unchanged), .fetchRemote),
        DecisionCase("from_external restores a deleted entry", F.rules(.fromExternal), SyncPair(mapping: F.mapping(), local: .absent, remote: .event(F.event())), .pullCreate),
        DecisionCase("from_external pulls a vendor deletion", F.rules(.fromExternal), SyncPair(mapping: F.mapping(), local: .entry(F.entry()), remote: .absent), .pullDelete),
        DecisionCase("from_external with both deleted forgets", F.rules(.fromExternal), SyncPair(mapping: F.mapping(), local: .absent, remote: .absent), .forget),
        DecisionCase("from_external parks a pair leaving the window", F.rules(.fromExternal), SyncPair(mapping: F.mapping(), local: .entry(F.entry()), remote: .leftWindow), .park),
    ]

    static let lifecycle: [DecisionCase] = [
        DecisionCase("a deleted pair ignores a replayed vendor change", SyncPair(mapping: F.mapping(status: .deleted), local: .absent, remote: .event(editedRemote)), .nothing),
        DecisionCase("an unconfirmed create looks for its stamp first", SyncPair(mapping: unconfirmed, local: .entry(F.entry()), remote: .absent), .findByStamp),
        DecisionCase("an unconfirmed create whose event turns up adopts it", SyncPair(mapping: unconfirmed, local: .entry(F.entry()), remote: .event(F.event(stamp: F.stamp))), .adopt),
        DecisionCase("an unconfirmed create with no event at the vendor creates", SyncPair(mapping: unconfirmed, local: .entry(F.entry()), remote: .absent, isStampChecked: true), .pushCreate),
        DecisionCase("an unconfirmed create whose entry is gone is forgotten", SyncPair(mapping: unconfirmed, local: .absent, remote: .absent, isStampChecked: true), .forget),
        DecisionCase("an unconfirmed create outside the window is parked", SyncPair(mapping: unconfirmed, local: .entry(F.entry(start: 24 * 400)), remote: .absent, isStampChecked: true), .park),
        DecisionCase("a second event with this mapping's stamp is deleted", SyncPair(mapping: F.mapping(), local: .entry(F.entry()), remote: .event(F.event(id: "dup", stamp: F.stamp))), .deleteStray),
        DecisionCase("from_external never deletes a stray", F.rules(.fromExternal), SyncPair(mapping: F.mapping(), local: .entry(F.entry()), remote: .event(F.event(id: "dup", stamp: F.stamp))), .nothing),
        DecisionCase("a conflict waits for a person", SyncPair(mapping: F.mapping(status: .conflict), local: .entry(edited), remote: .event(editedRemote)), .conflict),
        DecisionCase("a conflict waits even when the vendor side is not reread", SyncPair(mapping: F.mapping(status: .conflict), local: .entry(edited), remote: .unchanged), .conflict),
        DecisionCase(
            "a conflict whose sides came to agree is recorded", SyncPair(mapping: F.mapping(status: .conflict), local: .entry(edited), remote: .event(F.event("Board (moved)", etag: "\"3\""))),
            .rebase),
        DecisionCase("keep local pushes the entry", SyncPair(mapping: F.mapping(status: .pending, resolution: .keepLocal), local: .entry(edited), remote: .event(editedRemote)), .pushUpdate),
        DecisionCase("keep local pushes a local deletion", SyncPair(mapping: F.mapping(status: .pending, resolution: .keepLocal), local: .absent, remote: .unchanged), .pushDelete),
        DecisionCase("keep external reads the event first", SyncPair(mapping: F.mapping(status: .pending, resolution: .keepExternal), local: .entry(edited), remote: .unchanged), .fetchRemote),
        DecisionCase("keep external pulls the event", SyncPair(mapping: F.mapping(status: .pending, resolution: .keepExternal), local: .entry(edited), remote: .event(editedRemote)), .pullUpdate),
        DecisionCase("keep external pulls a vendor deletion", SyncPair(mapping: F.mapping(status: .pending, resolution: .keepExternal), local: .entry(edited), remote: .absent), .pullDelete),
        DecisionCase("keep external restores a deleted entry", SyncPair(mapping: F.mapping(status: .pending, resolution: .keepExternal), local: .absent, remote: .event(editedRemote)), .pullCreate),
        DecisionCase(
            "a failed write is not retried until a side changes",
            SyncPair(mapping: F.mapping(status: .error, attempt: SyncRules.fingerprint(of: SyncPair(mapping: F.mapping(), local: .entry(edited), remote: .unchanged))), local: .entry(edited), remote: .unchanged),
            .nothing),
        DecisionCase(
            "a failed write is retried once a side changed",
            SyncPair(mapping: F.mapping(status: .error, attempt: "old/attempt"), local: .entry(edited), remote: .unchanged), .pushUpdate),
        DecisionCase("a failed transient write is retried", SyncPair(mapping: F.mapping(status: .error), local: .entry(edited), remote: .unchanged), .pushUpdate),
    ]

    static var unconfirmed: Mapping {
        var mapping = F.mapping()
        mapping.vendorEventID = nil
        mapping.etag = nil
        mapping.remoteHash = nil
        mapping.status = .pending
        return mapping
    }

    @Test(arguments: unmapped) func unmappedPairs(_ row: DecisionCase) { #expect(row.rules.decision(for: row.pair) == row.expected) }
    @Test(arguments: bidirectional) func bidirectionalPairs(_ row: DecisionCase) { #expect(row.rules.decision(for: row.pair) == row.expected) }
    @Test(arguments: policies) func conflictPolicies(_ row: DecisionCase) { #expect(row.rules.decision(for: row.pair) == row.expected) }
    @Test(arguments: oneWay) func oneWayDirections(_ row: DecisionCase) { #expect(row.rules.decision(for: row.pair) == row.expected) }
    @Test(arguments: lifecycle) func mappingLifecycle(_ row: DecisionCase) { #expect(row.rules.decision(for: row.pair) == row.expected) }

    @Test func deletionsAreCountedThroughSettlements() {
        #expect(SyncDecision.settled(.preferLocal, .pushDelete).isDeletion)
        #expect(SyncDecision.deleteStray.isDeletion)
        #expect(!SyncDecision.park.isDeletion)
        #expect(!SyncDecision.forget.isDeletion, "forgetting a pair both sides deleted deletes nothing")
        #expect(SyncDecision.settled(.newest, .pullCreate).action == .pullCreate)
    }
}
