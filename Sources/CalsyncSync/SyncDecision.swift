import CalsyncModel

/// What one sync step does for one pair (an entry, a vendor event, or both with their mapping).
///
/// A decision names the action only; the engine carries it out with the pair's own data.
public indirect enum SyncDecision: Sendable, Hashable, CustomStringConvertible {
    /// Nothing to write.
    case nothing
    /// Both sides agree (an echo of calsync's own write, equal content, back in the window): record the
    /// current hashes and etag as the new base, write neither side.
    case rebase
    /// The pair is outside the window: the mapping is parked, nothing is deleted.
    case park
    /// The vendor event carrying this mapping's stamp turned up (a create whose answer was lost): record
    /// its id, then decide again.
    case adopt
    /// A create was started for this mapping and its answer is not recorded: look for the stamp at the
    /// vendor first, then decide again.
    case findByStamp
    /// The vendor side's content is needed but was not read this round: read the event, then decide again.
    case fetchRemote
    /// Create an entry from the vendor event.
    case pullCreate
    /// Write the vendor event's fields to the entry.
    case pullUpdate
    /// Delete the entry: its vendor event was deleted.
    case pullDelete
    /// Create the vendor event from the entry (idempotently).
    case pushCreate
    /// PATCH the vendor event with the entry's fields, `If-Match` the etag last seen.
    case pushUpdate
    /// Delete the vendor event: its entry was deleted.
    case pushDelete
    /// Delete a vendor event calsync created for this mapping that is not the mapping's event (a
    /// duplicate); calsync owns it by its stamp.
    case deleteStray
    /// Both sides are gone: the mapping becomes `deleted`.
    case forget
    /// Both sides changed and `conflictPolicy: manual` waits for a person.
    case conflict
    /// Both sides changed and the policy settled it with the decision given.
    case settled(ConflictPolicy, SyncDecision)

    /// The decision that writes, with a settlement unwrapped.
    public var action: SyncDecision {
        if case .settled(_, let decision) = self { return decision.action }
        return self
    }

    /// Whether carrying it out deletes an entry or a vendor event (what `maxDeletesPerSync` counts).
    public var isDeletion: Bool {
        switch action {
        case .pullDelete, .pushDelete, .deleteStray: return true
        default: return false
        }
    }

    /// Whether the engine decides again after carrying it out (it only gathered what the decision needs).
    public var needsAnotherLook: Bool {
        switch self {
        case .adopt, .findByStamp, .fetchRemote: return true
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .nothing: return "nothing"
        case .rebase: return "rebase"
        case .park: return "park"
        case .adopt: return "adopt"
        case .findByStamp: return "findByStamp"
        case .fetchRemote: return "fetchRemote"
        case .pullCreate: return "pullCreate"
        case .pullUpdate: return "pullUpdate"
        case .pullDelete: return "pullDelete"
        case .pushCreate: return "pushCreate"
        case .pushUpdate: return "pushUpdate"
        case .pushDelete: return "pushDelete"
        case .deleteStray: return "deleteStray"
        case .forget: return "forget"
        case .conflict: return "conflict"
        case .settled(let policy, let decision): return "settled(\(policy.rawValue), \(decision))"
        }
    }
}

/// The local side of a pair.
public enum LocalSide: Sendable, Hashable {
    /// No entry: never existed (unmapped), or deleted (mapped).
    case absent
    /// The entry as it is now.
    case entry(Entry)
}

/// The vendor side of a pair, as this round's read left it.
public enum RemoteSide: Sendable, Hashable {
    /// Not among this round's changes: as last synced (content not read).
    case unchanged
    /// Deleted at the vendor, or not there at all.
    case absent
    /// Reported as gone from the window without being deleted (Graph `@removed` reason `changed`).
    case leftWindow
    /// The event as read this round (never a deleted one: that is `absent`).
    case event(VendorEvent)
}

/// One pair to decide: a mapping with its two sides, or an unmapped entry or vendor event.
public struct SyncPair: Sendable, Hashable {
    public var mapping: Mapping?
    public var local: LocalSide
    public var remote: RemoteSide
    /// For a mapping whose create is unconfirmed: the vendor was searched for its stamp and has none.
    public var isStampChecked: Bool

    public init(mapping: Mapping?, local: LocalSide, remote: RemoteSide, isStampChecked: Bool = false) {
        self.mapping = mapping
        self.local = local
        self.remote = remote
        self.isStampChecked = isStampChecked
    }

    public var entry: Entry? {
        if case .entry(let entry) = local { return entry }
        return nil
    }

    public var event: VendorEvent? {
        if case .event(let event) = remote { return event }
        return nil
    }
}

extension SyncDirection {
    /// Whether calsync may write the vendor calendar.
    public var writesExternal: Bool { self != .fromExternal }
    /// Whether calsync may write the tenant's schedule.
    public var writesLocal: Bool { self != .toExternal }
}
