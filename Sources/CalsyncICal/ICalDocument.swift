import Foundation

/// A parsed iCalendar file: its VEVENTs, zones and defaults. Nothing in it is partial; a file
/// that could not be read whole produced an `ICalError` instead.
public struct ICalDocument: Sendable {
    /// The file name given to the parser, used in expansion errors.
    public let fileName: String
    /// The zone of floating times and all-day events: `X-WR-TIMEZONE`, else UTC.
    public let defaultTimeZone: TimeZone
    /// The TZIDs of the file's VTIMEZONE blocks, in file order.
    public let timeZoneIDs: [String]
    /// Every VEVENT in file order, overrides included.
    public let events: [ICalEvent]
    /// The physical line of the first `BEGIN:VCALENDAR`.
    public let line: Int
}
