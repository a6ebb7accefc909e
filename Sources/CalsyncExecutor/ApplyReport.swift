import CalsyncModel

/// Something a run could not do without a person, listed on stderr and turned into exit code 3.
public struct BlockedItem: Sendable, Hashable, CustomStringConvertible {
    /// Why the item is blocked.
    public enum Reason: String, Sendable, Hashable {
        /// The provider needs OAuth consent.
        case authorizationRequired = "authorization required"
        /// `protect: true` refuses the delete.
        case protected = "deletion refused by protect: true"
        /// `--allow-delete` was not given.
        case deleteNotAllowed = "delete skipped without --allow-delete"
        /// More provider deletes than `--max-provider-deletes`.
        case deleteBudgetExceeded = "provider delete budget exceeded"
        /// A sync would delete more events than the provider's `maxDeletesPerSync`.
        case syncDeleteBudgetExceeded = "sync delete budget exceeded"
        /// Mappings in conflict wait for `calsync conflicts resolve` (`conflictPolicy: manual`).
        case conflictsPending = "conflicts pending"
    }

    public var ref: ProviderRef
    public var reason: Reason
    /// What the person should do.
    public var fix: String

    public var description: String { "\(ref): \(reason.rawValue): \(fix)" }

    /// `ref` waits for OAuth consent.
    public static func authorizationRequired(_ ref: ProviderRef) -> BlockedItem {
        BlockedItem(ref: ref, reason: .authorizationRequired, fix: "run `calsync authorize \(ref)`")
    }
}

/// A provider whose action failed; recorded on its card, the others go on.
public struct FailedItem: Sendable, Hashable, CustomStringConvertible {
    public var ref: ProviderRef
    public var message: String
    public var description: String { "\(ref): \(message)" }
}

/// What an apply did.
public struct ApplyReport: Sendable {
    /// Actions applied, in order.
    public var applied: [PlannedAction] = []
    public var blocked: [BlockedItem] = []
    public var failed: [FailedItem] = []
    /// Actions that need a vendor client and were left pending.
    public var pending: [PlannedAction] = []
    /// Vendor clean-up that did not succeed (a webhook not stopped, a grant not revoked); never fatal.
    public var warnings: [String] = []

    public init() {}

    /// SPEC section 6: the first of 1, 3, 0 that any provider reached.
    public var exitCode: Int32 {
        if !failed.isEmpty { return 1 }
        if !blocked.isEmpty { return 3 }
        return 0
    }
}
