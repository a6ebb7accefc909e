import CalsyncModel
import Foundation

/// What one provider's sync did: the counts of SPEC section 8 and how it ended.
public struct SyncReport: Sendable, Hashable {
    /// How a sync ended.
    public enum Outcome: Sendable, Hashable {
        /// Every change was read and decided; single events may still have failed (`errors`).
        case completed
        /// The sync stopped: the vendor refused the read, the daily quota is spent, the state failed.
        /// Carries the vendor's text, verbatim.
        case failed(String)
        /// More deletions than `maxDeletesPerSync`: nothing was written.
        case deleteBudgetExceeded(deletions: Int, budget: Int)
        /// The grant is gone (`invalid_grant`, with the vendor's text); the provider needs `calsync authorize`.
        case authorizationRequired(String)
    }

    /// One event whose write failed; the rest of the sync went on.
    public struct Failure: Sendable, Hashable, CustomStringConvertible {
        public var mapping: MappingID?
        /// The vendor's error text.
        public var message: String
        public var description: String { mapping.map { "mapping \($0): \(message)" } ?? message }
    }

    public var ref: ProviderRef
    public var at: Date
    /// Entries created or changed from the vendor side.
    public var pulled = 0
    /// Vendor events created or changed.
    public var pushed = 0
    /// Deletions on either side.
    public var deleted = 0
    /// Mappings in conflict when the sync ended (new ones and those still waiting for a person).
    public var conflicts = 0
    /// Conflicts first detected by this sync (each emitted one `conflict` event).
    public var newConflicts = 0
    /// Events whose write failed.
    public var errors: Int { failures.count }
    public var failures: [Failure] = []
    /// Whether the changes were read in full (no cursor, an expired one, or the window's dates moved).
    public var wasFullRead = false
    public var outcome: Outcome = .completed

    public init(ref: ProviderRef, at: Date) {
        self.ref = ref
        self.at = at
    }

    /// The card's `lastSync`.
    public var lastSync: LastSync {
        let result: LastSync.Result
        switch outcome {
        case .completed: result = failures.isEmpty ? .succeeded : .failed
        case .failed, .authorizationRequired: result = .failed
        case .deleteBudgetExceeded: result = .deleteBudgetExceeded
        }
        return LastSync(at: at, result: result, pulled: pulled, pushed: pushed, deleted: deleted, conflicts: conflicts)
    }

    /// The error text the card shows, or nil after a clean sync.
    public var errorText: String? {
        switch outcome {
        case .completed: return failures.first.map { "\(failures.count) event\(failures.count == 1 ? "" : "s") failed; first: \($0)" }
        case .failed(let message): return message
        case .authorizationRequired(let message): return "authorization required: \(message)"
        case .deleteBudgetExceeded(let deletions, let budget):
            return "the sync would delete \(deletions) events, more than maxDeletesPerSync (\(budget)); nothing was written. Raise maxDeletesPerSync to confirm, or restore what was deleted."
        }
    }

    /// SPEC section 6: 1 for an error, 3 when a person is needed, else 0.
    public var exitCode: Int32 {
        switch outcome {
        case .failed: return 1
        case .authorizationRequired, .deleteBudgetExceeded: return 3
        case .completed:
            if !failures.isEmpty { return 1 }
            return conflicts > 0 ? 3 : 0
        }
    }

    /// The final counts line: `pulled 3, pushed 1, deleted 0, conflicts 0, errors 0`.
    public var countsLine: String {
        "pulled \(pulled), pushed \(pushed), deleted \(deleted), conflicts \(conflicts), errors \(errors)"
    }

    /// `state` after this sync: its last sync and error text (neither moves the serial). A refused grant
    /// is recorded by revoking the credential, which the caller does.
    public func applied(to state: ProviderState) -> ProviderState {
        var next = state
        next.lastSync = lastSync
        next.lastError = errorText
        return next
    }
}

/// What a sync is doing, for a progress line on a terminal.
public enum SyncProgress: Sendable, Hashable {
    /// Reading changes (`full`: without a cursor).
    case reading(full: Bool)
    /// The changes are read.
    case read(events: Int)
    /// `done` of `total` pairs carried out.
    case applying(done: Int, total: Int)
}
