import Foundation

/// When an event happens.
struct EventSpan: Sendable, Equatable {
    let start: Date
    let end: Date
    let isAllDay: Bool
    let zone: TimeZone

    /// Whether the event overlaps `timeMin`/`timeMax` the way events.list reads them:
    /// `timeMin` bounds the end (exclusive), `timeMax` bounds the start (exclusive).
    func overlaps(timeMin: Date?, timeMax: Date?) -> Bool {
        if let timeMin, end <= timeMin { return false }
        if let timeMax, start >= timeMax { return false }
        return true
    }

    /// Reads a Google `EventDateTime` (`date` or `dateTime` + optional `timeZone`).
    static func instant(of value: JSONValue, defaultZone: TimeZone) -> (date: Date, isAllDay: Bool, zone: TimeZone)? {
        let zone = value["timeZone"]?.stringValue.flatMap(TimeZone.init(identifier:)) ?? defaultZone
        if let date = value["date"]?.stringValue {
            return DateFormats.parseDate(date, in: zone).map { ($0, true, zone) }
        }
        if let dateTime = value["dateTime"]?.stringValue {
            return DateFormats.parseRFC3339(dateTime, defaultZone: zone).map { ($0, false, zone) }
        }
        return nil
    }
}
