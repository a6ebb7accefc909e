import CalsyncICal
import Foundation

/// Benchmarks import and export of a generated 10,000-event iCalendar file.
///
/// The file mixes timed events in five IANA zones, all-day and multi-day
/// events, and weekly series with an exception and an override, with folded descriptions.
/// Prints wall time per phase and the process's peak resident set size (VmHWM).

/// The fixed moment the benchmark imports at; the import range is 30 days before to 365 after.
let importMoment = Date(timeIntervalSince1970: 1_795_000_000)
let eventCount = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 10_000

/// A generated file of `count` VEVENTs.
func generateCalendar(count: Int) -> String {
    let zones = ["Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Sydney", "America/Los_Angeles"]
    var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//calsync//bench//EN", "X-WR-TIMEZONE:Europe/Berlin"]
    let base = 20_261_101
    for index in 0..<count {
        let dayOffset = index % 300
        let date = dateString(daysAfter: dayOffset, from: base)
        let hour = 8 + index % 10
        let hh = hour < 10 ? "0\(hour)" : "\(hour)"
        let agenda = String(repeating: "Agenda item \(index) with details about the work ahead. ", count: 3)
        var event = [
            "BEGIN:VEVENT", "UID:bench-\(index)@calsync.test", "DTSTAMP:20261101T000000Z", "SEQUENCE:\(index % 3)",
            "SUMMARY:Event \(index): planning\\, review\\; follow-up", "DESCRIPTION:\(agenda)\\nSecond line",
            "LOCATION:Room \(index % 50)",
        ]
        switch index % 20 {
        case 0:
            event += ["DTSTART;TZID=\(zones[index % 5]):\(date)T\(hh)0000",
                      "DTEND;TZID=\(zones[index % 5]):\(date)T\(hh)3000",
                      "RRULE:FREQ=WEEKLY;COUNT=8;BYDAY=MO,WE",
                      "EXDATE;TZID=\(zones[index % 5]):\(date)T\(hh)0000"]
        case 1:
            let end = dateString(daysAfter: dayOffset + 3, from: base)
            event += ["DTSTART;VALUE=DATE:\(date)", "DTEND;VALUE=DATE:\(end)"]
        case 2:
            let end = dateString(daysAfter: dayOffset + 1, from: base)
            event += ["DTSTART;VALUE=DATE:\(date)", "DTEND;VALUE=DATE:\(end)"]
        default:
            event += ["DTSTART;TZID=\(zones[index % 5]):\(date)T\(hh)0000",
                      "DTEND;TZID=\(zones[index % 5]):\(date)T\(hh)4500"]
        }
        event.append("END:VEVENT")
        lines += event
    }
    lines.append("END:VCALENDAR")
    return lines.map(fold).joined()
}

/// `YYYYMMDD` of the date `days` after the date written as the number `start`.
func dateString(daysAfter days: Int, from start: Int) -> String {
    var components = DateComponents()
    components.year = start / 10_000
    components.month = start / 100 % 100
    components.day = start % 100 + days
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "Etc/UTC") ?? .gmt
    let date = calendar.date(from: components) ?? Date(timeIntervalSince1970: 0)
    let parts = calendar.dateComponents([.year, .month, .day], from: date)
    return String(format: "%04d%02d%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0)
}

/// Folds a line at 75 octets with CRLF, as exporters do.
func fold(_ line: String) -> String {
    var output = ""
    var width = 0
    for scalar in line.unicodeScalars {
        let size = UTF8.width(scalar)
        if width + size > 75 {
            output += "\r\n "
            width = 1
        }
        output.unicodeScalars.append(scalar)
        width += size
    }
    return output + "\r\n"
}

/// The process's peak resident set size in KiB, from /proc/self/status.
func peakResidentKiB() -> Int {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
        let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
    else { return -1 }
    return Int(line.split(separator: " ").dropFirst().first ?? "") ?? -1
}

/// Runs `body` and returns its result with the elapsed seconds.
func timed<T>(_ body: () throws -> T) rethrows -> (T, Double) {
    let clock = ContinuousClock()
    let start = clock.now
    let result = try body()
    let elapsed = clock.now - start
    let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return (result, seconds)
}

let text = generateCalendar(count: eventCount)
let baseline = peakResidentKiB()
do {
    let (document, parseSeconds) = try timed { try ICalendar.parse(text, fileName: "bench.ics") }
    let (instances, expandSeconds) = try timed {
        try document.expand(range: ICalendar.defaultRange(around: importMoment))
    }
    let events = instances.map { instance in
        ICalExportEvent(
            uid: instance.key.description, title: instance.title, description: instance.description,
            location: instance.location, start: instance.start, end: instance.end,
            timeZone: instance.isAllDay ? nil : instance.timeZone, sequence: instance.revision.sequence)
    }
    let (exported, exportSeconds) = timed {
        ICalendar.export(events, prodID: "-//calsync//bench//EN", now: importMoment)
    }
    let (reimported, reimportSeconds) = try timed {
        try ICalendar.parse(exported, fileName: "bench-export.ics")
            .expand(range: ICalendar.defaultRange(around: importMoment))
    }
    print("file: \(eventCount) VEVENTs, \(text.utf8.count / 1024) KiB")
    print(String(format: "import: parse %.3f s + expand %.3f s = %.3f s -> %d instances",
                 parseSeconds, expandSeconds, parseSeconds + expandSeconds, instances.count))
    print(String(format: "export: %.3f s -> %d KiB", exportSeconds, exported.utf8.count / 1024))
    print(String(format: "re-import of the export: %.3f s -> %d instances", reimportSeconds, reimported.count))
    print("peak RSS (VmHWM): \(peakResidentKiB() / 1024) MiB (after generating the file: \(baseline / 1024) MiB)")
} catch {
    print(error)
    exit(1)
}
