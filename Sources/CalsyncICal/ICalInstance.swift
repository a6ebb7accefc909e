import Foundation

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
