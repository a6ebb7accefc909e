import Foundation

/// The identity of one imported instance: the event's UID, plus the original start of the
/// instance for recurring events.
public struct InstanceKey: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// The event's `UID`.
    public let uid: String
    /// The original start of the instance (its `RECURRENCE-ID`), `nil` for a single event.
    public let recurrence: ICalTime?

    /// Creates a key.
    public init(uid: String, recurrence: ICalTime?) {
        self.uid = uid
        self.recurrence = recurrence
    }

    /// `UID` for a single event, `UID/20261124T100000Z` or `UID/20261124` for an instance.
    public var description: String {
        guard let recurrence else { return uid }
        return "\(uid)/\(recurrence)"
    }

    public static func < (lhs: InstanceKey, rhs: InstanceKey) -> Bool {
        lhs.description < rhs.description
    }
}
