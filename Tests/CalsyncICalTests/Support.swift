import Foundation
import Testing

@testable import CalsyncICal

/// Reads a fixture file from `Tests/CalsyncICalTests/Fixtures`.
func fixture(_ name: String) throws -> Data {
    let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")
    return try Data(contentsOf: directory.appendingPathComponent(name))
}

/// Parses a fixture file through the public entry point, as an import does.
func parseFixture(_ name: String) throws -> ICalDocument {
    try ICalendar.parse(try fixture(name), fileName: name)
}

/// Wraps VEVENT lines in a minimal VCALENDAR, joined with CRLF.
func calendar(_ lines: [String], header: [String] = []) -> String {
    (["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//calsync//tests//EN"] + header + lines + ["END:VCALENDAR"])
        .joined(separator: "\r\n") + "\r\n"
}

/// An instant written as `YYYY-MM-DDTHH:MM:SSZ`.
func utc(_ text: String) -> Date {
    (try? Date(text, strategy: .iso8601)) ?? Date(timeIntervalSince1970: 0)
}

/// A civil date for all-day expectations.
func day(_ year: Int, _ month: Int, _ day: Int) -> ICalTime {
    CivilDate(year: year, month: month, day: day).map(ICalTime.allDay) ?? .instant(Date(timeIntervalSince1970: 0))
}

/// `time` as `YYYYMMDDTHHMM` on the wall clock of `zone`.
func wallClock(_ time: ICalTime, in zone: TimeZone) -> String {
    switch time {
    case .instant(let date): String(zone.civil(at: date).description.prefix(13))
    case .allDay(let date): date.description
    }
}
