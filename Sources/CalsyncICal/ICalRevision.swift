import Foundation

/// How new one copy of an event is: its `SEQUENCE` and `DTSTAMP`.
public struct ICalRevision: Sendable, Hashable {
    /// `SEQUENCE`, 0 when absent.
    public let sequence: Int
    /// `DTSTAMP`, `nil` when absent.
    public let stamp: Date?

    /// Creates a revision.
    public init(sequence: Int, stamp: Date?) {
        self.sequence = sequence
        self.stamp = stamp
    }

    /// Whether an incoming copy with this revision replaces an already imported copy at `current`.
    ///
    /// A higher `SEQUENCE` wins; with equal sequences a later `DTSTAMP` wins. Anything else,
    /// including an identical revision, keeps the current copy, so importing a file twice
    /// changes nothing.
    ///
    /// - Parameter current: The revision of the copy already imported.
    /// - Returns: `true` when this revision should replace `current`.
    public func supersedes(_ current: ICalRevision) -> Bool {
        if sequence != current.sequence { return sequence > current.sequence }
        guard let stamp else { return false }
        guard let currentStamp = current.stamp else { return true }
        return stamp > currentStamp
    }
}
