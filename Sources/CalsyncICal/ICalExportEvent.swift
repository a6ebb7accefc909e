import Foundation

/// One event to export: a calsync entry as iCalendar sees it.
public struct ICalExportEvent: Sendable, Equatable {
    /// The `UID`; calsync uses the entry id.
    public var uid: String
    /// `SUMMARY`.
    public var title: String
    /// `DESCRIPTION`; omitted when empty.
    public var description: String
    /// `LOCATION`; omitted when empty.
    public var location: String
    /// The start: an instant, or a date for all-day events.
    public var start: ICalTime
    /// The end: an instant, or the exclusive end date for all-day events; the same kind as
    /// `start` and not before it (the exporter corrects an end that is not).
    public var end: ICalTime
    /// The zone timed events are written in with `TZID`; `nil` or UTC writes UTC times.
    public var timeZone: TimeZone?
    /// `SEQUENCE`, the entry's version.
    public var sequence: Int
    /// `LAST-MODIFIED`, the entry's updated time, when known.
    public var lastModified: Date?

    /// Creates an event to export.
    public init(
        uid: String, title: String, description: String = "", location: String = "", start: ICalTime,
        end: ICalTime, timeZone: TimeZone? = nil, sequence: Int = 0, lastModified: Date? = nil
    ) {
        self.uid = uid
        self.title = title
        self.description = description
        self.location = location
        self.start = start
        self.end = end
        self.timeZone = timeZone
        self.sequence = sequence
        self.lastModified = lastModified
    }
}
