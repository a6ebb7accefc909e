import Foundation

/// One VEVENT as read from a file: a single event, a recurring series, or an override of one
/// instance of a series (when `recurrenceID` is set).
public struct ICalEvent: Sendable {
    /// How long each instance lasts, as the file said it.
    enum Length: Sendable, Equatable {
        /// An exact number of seconds (from `DTEND` of a timed event, or none: 0).
        case exact(seconds: Int)
        /// A `DURATION` of a timed event: days on the wall clock, then exact seconds.
        case nominal(ICalDuration)
        /// Whole days of an all-day event (from `DTEND`, `DURATION`, or 1 when absent).
        case days(Int)
    }

    /// An `RDATE`: an extra start, with its own end when written as a PERIOD.
    struct ExtraDate: Sendable, Equatable {
        /// The extra start.
        let start: EventTime
        /// The end given by a PERIOD value, else `nil` (the event's length applies).
        let end: Date?
    }

    /// `UID`.
    public let uid: String
    /// `SEQUENCE` and `DTSTAMP`.
    public let revision: ICalRevision
    /// `SUMMARY`, unescaped; empty when absent.
    public let title: String
    /// `DESCRIPTION`, unescaped; empty when absent.
    public let description: String
    /// `LOCATION`, unescaped; empty when absent.
    public let location: String
    /// `DTSTART`.
    public let start: EventTime
    /// How long each instance lasts.
    let length: Length
    /// `RRULE`, if any.
    public let rule: RecurrenceRule?
    /// `RDATE` values.
    let extraDates: [ExtraDate]
    /// `EXDATE` values.
    let excludedDates: [EventTime]
    /// `RECURRENCE-ID`: set when this VEVENT overrides one instance of a series.
    public let recurrenceID: EventTime?
    /// Whether `STATUS:CANCELLED`.
    public let isCancelled: Bool
    /// The zone for all-day instances and for the instance's `timeZone` when the start has none.
    let defaultZone: TimeZone
    /// The physical line of `BEGIN:VEVENT`.
    public let line: Int
    /// The physical line of `RRULE`, for expansion errors.
    let ruleLine: Int?

    /// Whether the event has more than one instance.
    public var isRecurring: Bool {
        rule != nil || !extraDates.isEmpty
    }

    /// The zone instances are reported in: the start's zone, else the file's default.
    var zone: TimeZone {
        if case .dateTime(_, let zone) = start { return zone }
        return defaultZone
    }

    /// The end of an instance starting at `civil` on the wall clock of `zone`.
    func end(ofInstanceAt civil: CivilDateTime) -> ICalTime {
        switch (start, length) {
        case (.date, .days(let days)):
            return .allDay(civil.date.adding(days: days))
        case (_, .exact(let seconds)):
            return .instant(zone.instant(of: civil).addingTimeInterval(Double(seconds)))
        case (_, .nominal(let duration)):
            let shifted = CivilDateTime(civilSeconds: civil.civilSeconds + duration.days * 86_400)
            return .instant(zone.instant(of: shifted).addingTimeInterval(Double(duration.seconds)))
        case (_, .days(let days)):
            let shifted = CivilDateTime(civilSeconds: civil.civilSeconds + days * 86_400)
            return .instant(zone.instant(of: shifted))
        }
    }
}
