import Foundation

/// Entry points for iCalendar (RFC 5545) import and export.
public enum ICalendar {
    /// Parses a whole iCalendar file, or refuses it.
    ///
    /// - Parameters:
    ///   - text: The file's content.
    ///   - fileName: The name used in errors (`FILE:LINE: error: …`).
    /// - Returns: The document; expand it with `ICalDocument.expand(range:)`.
    /// - Throws: `ICalError` naming the file and physical line of the first problem.
    public static func parse(_ text: String, fileName: String) throws(ICalError) -> ICalDocument {
        try ICalParser(fileName: fileName).parse(text)
    }

    /// Parses a whole iCalendar file from its bytes, refusing bytes that are not UTF-8.
    ///
    /// - Parameters:
    ///   - data: The file's bytes.
    ///   - fileName: The name used in errors.
    /// - Returns: The document.
    /// - Throws: `ICalError`, with the line of the first byte that is not UTF-8 when there is one.
    public static func parse(_ data: Data, fileName: String) throws(ICalError) -> ICalDocument {
        guard let text = String(validating: data, as: UTF8.self) else {
            throw ICalError(
                fileName: fileName, line: firstInvalidLine(data), code: .binaryData,
                what: "bytes that are not UTF-8 text",
                why: "an iCalendar file is UTF-8 text",
                fix: "Export the calendar again as a .ics text file")
        }
        return try parse(text, fileName: fileName)
    }

    /// The default import range: from 30 days before `now` to 365 days after it.
    public static func defaultRange(around now: Date) -> DateInterval {
        DateInterval(start: now.addingTimeInterval(-30 * 86_400), end: now.addingTimeInterval(365 * 86_400))
    }

    /// Writes `events` as an RFC 5545 file (CRLF, folded at 75 octets).
    ///
    /// - Parameters:
    ///   - events: The events, written in the given order.
    ///   - prodID: The `PRODID` value, such as `-//calsync//calsync 1.0//EN`.
    ///   - now: The `DTSTAMP` of every event.
    /// - Returns: The file's text.
    public static func export(_ events: [ICalExportEvent], prodID: String, now: Date) -> String {
        ICalExporter(prodID: prodID, now: now).export(events)
    }

    private static func firstInvalidLine(_ data: Data) -> Int {
        var line = 1
        var start = data.startIndex
        while start < data.endIndex {
            let end = data[start...].firstIndex(of: UInt8(ascii: "\n")) ?? data.endIndex
            if String(validating: data[start..<end], as: UTF8.self) == nil { return line }
            line += 1
            start = end < data.endIndex ? data.index(after: end) : end
        }
        return line
    }
}
