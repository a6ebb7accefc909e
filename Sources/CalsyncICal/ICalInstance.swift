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

/// One occurrence of an event in the import range, ready to become a calsync entry.
public struct ICalInstance: Sendable, Equatable {
    /// The stable identity of the instance.
    public let key: InstanceKey
    /// `SUMMARY`.
    public let title: String
    /// `DESCRIPTION`.
    public let description: String
    /// `LOCATION`.
    public let location: String
    /// The start: an instant, or a date for all-day instances.
    public let start: ICalTime
    /// The end: an instant, or the exclusive end date for all-day instances.
    public let end: ICalTime
    /// The zone the event was written in (the file's default zone, else UTC, for all-day and
    /// floating events).
    public let timeZone: TimeZone
    /// `SEQUENCE` and `DTSTAMP` of the VEVENT the instance came from.
    public let revision: ICalRevision
    /// The physical line of the `BEGIN:VEVENT` the instance came from.
    public let line: Int

    /// Whether the instance is all-day.
    public var isAllDay: Bool { start.isAllDay }
}
