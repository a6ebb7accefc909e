import Foundation

/// Writes events as an RFC 5545 iCalendar file.
///
/// Each event becomes one VEVENT (instances are written as separate events; no RRULE is
/// produced). All-day events use `VALUE=DATE`; timed events with a zone other than UTC use
/// `TZID=` and the file gets one VTIMEZONE per zone, built from Foundation's transitions.
struct ICalExporter {
    /// The `PRODID`.
    let prodID: String
    /// The `DTSTAMP` of every event.
    let now: Date

    /// The whole file for `events`.
    func export(_ events: [ICalExportEvent]) -> String {
        var output = ""
        output.reserveCapacity(events.count * 300 + 200)
        func emit(_ line: String) { ContentLine.fold(line, into: &output) }
        emit("BEGIN:VCALENDAR")
        emit("VERSION:2.0")
        emit("PRODID:\(ContentLine.escape(prodID))")
        emit("CALSCALE:GREGORIAN")
        for (zone, span) in zoneSpans(of: events) {
            for line in VTimeZoneWriter(zone: zone, span: span).lines() { emit(line) }
        }
        let stamp = "\(now.utcCivil)Z"
        for event in events {
            emit("BEGIN:VEVENT")
            emit("UID:\(ContentLine.escape(event.uid))")
            emit("DTSTAMP:\(stamp)")
            emit(timeLine("DTSTART", event.start, zone: writtenZone(event)))
            emit(timeLine("DTEND", writtenEnd(event), zone: writtenZone(event)))
            if event.sequence > 0 { emit("SEQUENCE:\(event.sequence)") }
            if let lastModified = event.lastModified { emit("LAST-MODIFIED:\(lastModified.utcCivil)Z") }
            emit("SUMMARY:\(ContentLine.escape(event.title))")
            if !event.description.isEmpty { emit("DESCRIPTION:\(ContentLine.escape(event.description))") }
            if !event.location.isEmpty { emit("LOCATION:\(ContentLine.escape(event.location))") }
            emit("END:VEVENT")
        }
        emit("END:VCALENDAR")
        return output
    }

    /// The end as written: of the same kind as the start and not before it, so that every
    /// exported file reads back (an all-day start with a timed end lasts one day; a timed start
    /// with an all-day end lasts no time).
    private func writtenEnd(_ event: ICalExportEvent) -> ICalTime {
        switch (event.start, event.end) {
        case (.allDay(let start), .allDay(let end)): .allDay(max(start.adding(days: 1), end))
        case (.instant(let start), .instant(let end)): .instant(max(start, end))
        case (.allDay(let start), .instant): .allDay(start.adding(days: 1))
        case (.instant(let start), .allDay): .instant(start)
        }
    }

    /// The zone a timed event is written in, or `nil` for UTC.
    private func writtenZone(_ event: ICalExportEvent) -> TimeZone? {
        guard let zone = event.timeZone, !event.start.isAllDay, zone.isNamedRegion else { return nil }
        return zone
    }

    private func timeLine(_ name: String, _ time: ICalTime, zone: TimeZone?) -> String {
        switch time {
        case .allDay(let date):
            return "\(name);VALUE=DATE:\(date)"
        case .instant(let instant):
            guard let zone else { return "\(name):\(instant.utcCivil)Z" }
            return "\(name);TZID=\(ContentLine.quoteParameter(zone.identifier)):\(zone.civil(at: instant))"
        }
    }

    /// Each written zone with the instants its events span, in order of first use.
    private func zoneSpans(of events: [ICalExportEvent]) -> [(TimeZone, ClosedRange<Date>)] {
        var order: [String] = []
        var spans: [String: (TimeZone, ClosedRange<Date>)] = [:]
        for event in events {
            guard let zone = writtenZone(event), case .instant(let start) = event.start else { continue }
            let end = if case .instant(let end) = event.end { max(end, start) } else { start }
            if let (_, span) = spans[zone.identifier] {
                spans[zone.identifier] = (zone, min(span.lowerBound, start)...max(span.upperBound, end))
            } else {
                order.append(zone.identifier)
                spans[zone.identifier] = (zone, start...end)
            }
        }
        return order.compactMap { spans[$0] }
    }
}

extension TimeZone {
    /// Whether the zone has an IANA region name other than UTC, so it is written with TZID.
    var isNamedRegion: Bool {
        !["UTC", "GMT", "Etc/UTC", "Etc/GMT", "Z"].contains(identifier) && identifier.contains("/")
    }
}
