import Foundation

/// A write to the tenant's schedule made by a sync step.
public enum EntryWrite: Sendable, Hashable {
    /// Adds an entry pulled from the vendor (its `origin` names the provider), or restores a deleted one;
    /// `sourceKey` names the vendor event it came from, so a provider declared again re-adopts it.
    case insert(Entry, sourceKey: String?)
    /// Replaces the entry's fields while it is still at `expectedVersion`; its version grows by one.
    case update(Entry, expectedVersion: Int)
    /// Deletes the entry while it is still at `expectedVersion`.
    case delete(EntryID, expectedVersion: Int)
}

/// What a sync step does to the mapping's conflict record.
public enum ConflictWrite: Sendable, Hashable {
    /// Records (or refreshes) the conflict with both versions.
    case record(ConflictRecord)
    /// Drops the conflict record, if any.
    case clear
}

/// Everything one sync step writes, committed in one transaction: the entry change, the mapping and
/// the notification events that report it.
public struct SyncStep: Sendable, Hashable {
    public var entry: EntryWrite?
    /// The mapping as it is after the step.
    public var mapping: Mapping
    /// The mapping's version the step was decided on; nil for a mapping the step creates. Another
    /// version means someone else wrote it meanwhile: nothing is written and `MappingError.moved` is thrown.
    public var expectedVersion: Int?
    public var conflict: ConflictWrite?
    public var events: [NotificationEvent]

    public init(
        entry: EntryWrite? = nil, mapping: Mapping, expectedVersion: Int?, conflict: ConflictWrite? = nil,
        events: [NotificationEvent] = []
    ) {
        self.entry = entry
        self.mapping = mapping
        self.expectedVersion = expectedVersion
        self.conflict = conflict
        self.events = events
    }

    /// The mapping as the step stores it: its version one past the version it was decided on.
    public var storedMapping: Mapping {
        var stored = mapping
        stored.version = (expectedVersion ?? 0) + 1
        return stored
    }
}

/// Why a mapping or conflict operation was refused.
public struct MappingError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kinds of refusal.
    public enum Kind: Sendable, Hashable {
        /// No mapping with this id.
        case notFound
        /// The mapping belongs to another tenant.
        case forbidden
        /// `conflicts resolve` named a mapping that is not in conflict.
        case notInConflict
        /// The mapping or its entry changed since it was read; read again and retry.
        case moved
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}

/// The state the sync engine reads and writes: mappings, cursors, conflicts, the tenant's schedule and
/// the outbox. The SQLite store is the one implementation today; a PostgreSQL one can follow.
///
/// Every `record(_:)` is one transaction, so a crash between two steps loses nothing; `record(_:)` of
/// several steps commits them together, which a crash loses together.
public protocol SyncStore: Sendable {
    /// The tenant's entries overlapping `[from, to)`.
    func entries(tenant: TenantName, from: Date?, to: Date?) throws -> [Entry]
    /// The key each entry was imported or pulled under (iCalendar UID, or the vendor event it came from).
    func sourceKeys(tenant: TenantName) throws -> [EntryID: String]
    /// Every mapping of `ref`, `deleted` ones included.
    func mappings(of ref: ProviderRef) throws -> [Mapping]
    /// How many mappings of `ref` are in conflict.
    func conflictCount(of ref: ProviderRef) throws -> Int
    /// The mapping `id` of `ref`, if any.
    func mapping(_ id: MappingID, of ref: ProviderRef) throws -> Mapping?
    /// Commits one step atomically.
    /// - Returns: The mapping as stored (its version grown by one).
    /// - Throws: `MappingError.moved` when the mapping or entry changed since the step was decided.
    @discardableResult
    func record(_ step: SyncStep) throws -> Mapping
    /// Commits `steps` in order in one transaction, each checked as a single step is: a step refused with
    /// `MappingError.moved` writes nothing, and the steps after it still commit.
    /// - Returns: For each step, the mapping as stored, or its refusal.
    func record(_ steps: [SyncStep]) throws -> [Result<Mapping, MappingError>]

    /// The cursor of `ref`, if one is stored.
    func cursor(of ref: ProviderRef) throws -> SyncCursor?
    /// Stores the cursor after a completed round; clears the provider's expired flag (which moves the
    /// serial only when it was set).
    func setCursor(_ cursor: SyncCursor, of ref: ProviderRef) throws
    /// Forgets the cursor because the vendor refused it, and marks the provider's cursor expired
    /// (moving the serial) until a new one is stored.
    func expireCursor(of ref: ProviderRef) throws
    /// Clears the provider's pending-notification flag before its changes are read, so a notification
    /// arriving during the sync marks it due again.
    func clearNotificationPending(_ ref: ProviderRef) throws

    /// Appends a notification event to the outbox.
    func enqueue(_ event: NotificationEvent) throws

    // Operator commands: short transactions of their own, without the run lock, checking row versions.

    /// The tenant's conflicts, oldest first.
    func conflicts(tenant: TenantName) throws -> [ConflictRecord]
    /// Settles the conflict of mapping `id`: the next sync writes the kept side to the other.
    /// - Throws: `MappingError` (`.notFound`, `.forbidden` for another tenant's mapping, `.notInConflict`, `.moved`).
    func resolveConflict(_ id: MappingID, tenant: TenantName, keep: ConflictResolution) throws -> Mapping
    /// Clears a stuck status: the mapping goes back to `pending` (a `deleted` one stays), its error, conflict
    /// record and resolution are dropped, and the next sync decides the pair again from its base.
    /// - Throws: `MappingError` (`.notFound`, `.forbidden`, `.moved`).
    func resetMapping(_ id: MappingID, tenant: TenantName) throws -> Mapping
}
