import CalsyncModel
import Foundation

/// The three-way decision of SPEC section 8: from a pair's base (its mapping), its local side and its
/// vendor side, under the provider's direction, conflict policy and window, what one sync step does.
///
/// Pure: no clock, no I/O. The engine gathers the pair, asks, carries the decision out, and asks again
/// after the decisions that only gather (`adopt`, `findByStamp`, `fetchRemote`).
public struct SyncRules: Sendable, Hashable {
    /// The provider the pairs belong to.
    public var ref: ProviderRef
    public var direction: SyncDirection
    public var conflictPolicy: ConflictPolicy
    /// The dates synced (`SyncRange.interval`).
    public var window: DateInterval

    public init(ref: ProviderRef, direction: SyncDirection, conflictPolicy: ConflictPolicy, window: DateInterval) {
        self.ref = ref
        self.direction = direction
        self.conflictPolicy = conflictPolicy
        self.window = window
    }

    /// How a side compares with the mapping's base.
    enum Change: Hashable {
        /// As last synced.
        case same
        /// Different from the base.
        case changed
        /// Deleted.
        case gone
    }

    /// The decision for `pair`.
    public func decision(for pair: SyncPair) -> SyncDecision {
        guard let mapping = pair.mapping else { return unmapped(pair) }
        // A deleted pair stays deleted: a replayed vendor change is not copied back.
        guard mapping.isLive else { return .nothing }
        if mapping.vendorEventID == nil { return unconfirmedCreate(mapping, pair) }
        if let event = pair.event, event.id != mapping.vendorEventID {
            // Another event carries this mapping's stamp: a duplicate calsync made; it owns it.
            return direction.writesExternal ? .deleteStray : .nothing
        }

        let local = localChange(mapping, pair.local)
        let remote = remoteChange(mapping, pair.remote)
        // A person's choice is written as long as the direction still lets it be written.
        if let resolution = mapping.resolution,
            resolution == .keepLocal ? direction.writesExternal : direction.writesLocal
        {
            return resolved(resolution, local: local, remote: remote, pair)
        }
        if mapping.status == .conflict {
            // Waiting for a person, unless the sides came to agree (or both went) meanwhile.
            if local == .gone && remote == .gone { return .forget }
            return agrees(pair) ? .rebase : .conflict
        }
        if mapping.status == .error, let attempt = mapping.attempt, attempt == Self.fingerprint(of: pair) {
            return .nothing
        }
        switch direction {
        case .bidirectional: return bidirectional(mapping, local: local, remote: remote, pair)
        case .toExternal: return towardsExternal(mapping, local: local, remote: remote, pair)
        case .fromExternal: return fromExternal(mapping, local: local, remote: remote, pair)
        }
    }

    /// The pair's current sides as one string: an `error` mapping is retried once it changes.
    public static func fingerprint(of pair: SyncPair) -> String {
        let local = pair.entry.map(ContentHash.of) ?? "-"
        let remote: String
        switch pair.remote {
        case .unchanged, .leftWindow: remote = pair.mapping?.remoteHash ?? "-"
        case .absent: remote = "gone"
        case .event(let event): remote = ContentHash.of(event) ?? "gone"
        }
        return "\(local)/\(remote)"
    }

    // MARK: - Unmapped

    private func unmapped(_ pair: SyncPair) -> SyncDecision {
        switch (pair.local, pair.remote) {
        case (.entry(let entry), _):
            // An entry never synced with this provider; one pulled from it is never pushed back as new.
            guard direction.writesExternal, isInWindow(entry), entry.origin != ref.description else { return .nothing }
            return .pushCreate
        case (.absent, .event(let event)):
            // An event calsync wrote (for any mapping or provider) is never copied back as new.
            guard event.stamp == nil, !event.isDeleted, direction.writesLocal, isInWindow(event) else { return .nothing }
            return .pullCreate
        default:
            return .nothing
        }
    }

    // MARK: - A create whose answer is not recorded

    private func unconfirmedCreate(_ mapping: Mapping, _ pair: SyncPair) -> SyncDecision {
        if pair.event != nil { return .adopt }
        if !pair.isStampChecked { return .findByStamp }
        guard let entry = pair.entry, direction.writesExternal else { return .forget }
        guard isInWindow(entry) else { return mapping.status == .parked ? .nothing : .park }
        return .pushCreate
    }

    // MARK: - Directions

    private func bidirectional(_ mapping: Mapping, local: Change, remote: Change, _ pair: SyncPair) -> SyncDecision {
        switch (local, remote) {
        case (.same, .same): return unchanged(mapping, pair)
        case (.changed, .same): return agrees(pair) ? .rebase : .pushUpdate
        case (.same, .changed): return .pullUpdate
        case (.changed, .changed): return agrees(pair) ? .rebase : settle(pair, localDeleted: false, remoteDeleted: false)
        case (.gone, .same): return .pushDelete
        case (.same, .gone): return .pullDelete
        case (.gone, .gone): return .forget
        case (.gone, .changed): return settle(pair, localDeleted: true, remoteDeleted: false)
        case (.changed, .gone): return settle(pair, localDeleted: false, remoteDeleted: true)
        }
    }

    /// `to_external`: the schedule is the source; vendor-side edits are overwritten, a vendor-side
    /// deletion re-creates the event, and vendor changes never reach the schedule.
    private func towardsExternal(_ mapping: Mapping, local: Change, remote: Change, _ pair: SyncPair) -> SyncDecision {
        switch (local, remote) {
        case (.gone, .gone): return .forget
        case (.gone, _): return .pushDelete
        case (_, .gone): return .pushCreate
        case (.same, .same): return unchanged(mapping, pair)
        case (.changed, .same), (.same, .changed), (.changed, .changed): return agrees(pair) ? .rebase : .pushUpdate
        }
    }

    /// `from_external`: the vendor calendar is the source; local edits are overwritten, a local deletion
    /// brings the entry back, and the schedule never writes the vendor.
    private func fromExternal(_ mapping: Mapping, local: Change, remote: Change, _ pair: SyncPair) -> SyncDecision {
        switch (local, remote) {
        case (.gone, .gone): return .forget
        case (_, .gone): return .pullDelete
        case (.gone, _): return pair.event == nil ? .fetchRemote : .pullCreate
        case (.same, .same): return unchanged(mapping, pair)
        case (.same, .changed): return agrees(pair) ? .rebase : .pullUpdate
        case (.changed, .same), (.changed, .changed):
            guard pair.event != nil else { return .fetchRemote }
            return agrees(pair) ? .rebase : .pullUpdate
        }
    }

    /// Neither side changed: park outside the window, rebase an echo or a pair coming back, else nothing.
    private func unchanged(_ mapping: Mapping, _ pair: SyncPair) -> SyncDecision {
        if isOutsideWindow(pair) { return mapping.status == .parked ? .nothing : .park }
        if mapping.status != .synced { return .rebase }
        if let event = pair.event, event.etag != mapping.etag { return .rebase }
        return .nothing
    }

    // MARK: - Conflicts

    /// Both sides changed: a person decides under `manual`, the policy otherwise.
    private func settle(_ pair: SyncPair, localDeleted: Bool, remoteDeleted: Bool) -> SyncDecision {
        switch conflictPolicy {
        case .manual: return .conflict
        case .preferLocal: return .settled(.preferLocal, localWins(pair, remoteDeleted: remoteDeleted))
        case .preferExternal:
            return .settled(.preferExternal, remoteWins(localDeleted: localDeleted, remoteDeleted: remoteDeleted))
        case .newest:
            // A deletion carries no modification time: the edit wins over it.
            let localIsNewer: Bool
            if localDeleted {
                localIsNewer = false
            } else if remoteDeleted {
                localIsNewer = true
            } else {
                let localTime = pair.entry?.updatedAt ?? .distantPast
                let remoteTime = pair.event?.updatedAt ?? .distantPast
                localIsNewer = localTime >= remoteTime
            }
            return .settled(
                .newest,
                localIsNewer
                    ? localWins(pair, remoteDeleted: remoteDeleted)
                    : remoteWins(localDeleted: localDeleted, remoteDeleted: remoteDeleted))
        }
    }

    private func resolved(_ resolution: ConflictResolution, local: Change, remote: Change, _ pair: SyncPair) -> SyncDecision {
        if local == .gone && remote == .gone { return .forget }
        switch resolution {
        case .keepLocal:
            return localWins(pair, remoteDeleted: remote == .gone)
        case .keepExternal:
            if remote != .gone && pair.event == nil { return .fetchRemote }
            return remoteWins(localDeleted: local == .gone, remoteDeleted: remote == .gone)
        }
    }

    private func localWins(_ pair: SyncPair, remoteDeleted: Bool) -> SyncDecision {
        guard pair.entry != nil else { return .pushDelete }
        return remoteDeleted ? .pushCreate : .pushUpdate
    }

    private func remoteWins(localDeleted: Bool, remoteDeleted: Bool) -> SyncDecision {
        if remoteDeleted { return .pullDelete }
        return localDeleted ? .pullCreate : .pullUpdate
    }

    // MARK: - Comparing with the base

    private func localChange(_ mapping: Mapping, _ side: LocalSide) -> Change {
        guard case .entry(let entry) = side else { return .gone }
        return ContentHash.of(entry) == mapping.localHash ? .same : .changed
    }

    private func remoteChange(_ mapping: Mapping, _ side: RemoteSide) -> Change {
        switch side {
        case .unchanged, .leftWindow: return .same
        case .absent: return .gone
        case .event(let event):
            guard let hash = ContentHash.of(event) else { return .gone }
            if let etag = event.etag, etag == mapping.etag { return .same }
            return hash == mapping.remoteHash ? .same : .changed
        }
    }

    /// Whether both sides hold the same content now (so writing either would change nothing).
    private func agrees(_ pair: SyncPair) -> Bool {
        guard let entry = pair.entry, let event = pair.event, let remote = ContentHash.of(event) else { return false }
        return ContentHash.of(entry) == remote
    }

    // MARK: - The window

    /// Whether the entry overlaps the window.
    public func isInWindow(_ entry: Entry) -> Bool { SyncRange.overlaps(start: entry.start, end: entry.end, window) }

    /// Whether the event overlaps the window; an event without times does not.
    public func isInWindow(_ event: VendorEvent) -> Bool {
        guard let start = event.start, let end = event.end else { return false }
        return SyncRange.overlaps(start: start, end: end, window)
    }

    /// Whether either side is known to be outside the window.
    private func isOutsideWindow(_ pair: SyncPair) -> Bool {
        if pair.remote == .leftWindow { return true }
        if let event = pair.event, !isInWindow(event) { return true }
        if let entry = pair.entry, !isInWindow(entry) { return true }
        return false
    }
}
