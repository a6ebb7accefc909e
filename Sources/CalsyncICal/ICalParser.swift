import Foundation

/// Reads a whole iCalendar file into an `ICalDocument`, refusing it at the first problem.
struct ICalParser {
    /// The file name used in errors.
    let fileName: String

    /// Parses `text`.
    func parse(_ text: String) throws(ICalError) -> ICalDocument {
        var body = Substring(text)
        if body.first == "\u{FEFF}" { body = body.dropFirst() }
        let lines = try ContentLine.parseAll(String(body), fileName: fileName)
        let roots = try Component.tree(of: lines, fileName: fileName)
        guard let first = roots.first else {
            throw missingCalendar(line: 1)
        }
        if let stray = roots.first(where: { $0.name != "VCALENDAR" }) {
            throw missingCalendar(line: stray.line, found: stray.name)
        }
        var events: [ICalEvent] = []
        var timeZoneIDs: [String] = []
        var defaultZones: [TimeZone] = []
        for calendar in roots {
            let reading = try read(calendar: calendar)
            events.append(contentsOf: reading.events)
            timeZoneIDs.append(contentsOf: reading.timeZoneIDs)
            defaultZones.append(reading.defaultZone)
        }
        return ICalDocument(
            fileName: fileName, defaultTimeZone: defaultZones.first ?? .utc,
            timeZoneIDs: timeZoneIDs, events: events, line: first.line)
    }

    private func read(
        calendar: Component
    ) throws(ICalError) -> (events: [ICalEvent], timeZoneIDs: [String], defaultZone: TimeZone) {
        if let version = calendar.properties(named: "VERSION").first,
            version.value.trimmingCharacters(in: .whitespaces) != "2.0"
        {
            throw ICalError(
                fileName: fileName, line: version.line, code: .unsupported,
                what: "VERSION:\(version.value) is not iCalendar 2.0",
                why: "only RFC 5545 iCalendar is read, not vCalendar 1.0",
                fix: "Export the calendar as iCalendar (.ics, VERSION:2.0)")
        }
        var definitions: [String: ZoneDefinition] = [:]
        var timeZoneIDs: [String] = []
        for child in calendar.children where child.name == "VTIMEZONE" {
            let (tzid, definition) = try read(timeZone: child)
            definitions[tzid] = definition
            timeZoneIDs.append(tzid)
        }
        let resolver = TimeZoneResolver(definitions: definitions)
        var defaultZone = TimeZone.utc
        if let property = calendar.properties(named: "X-WR-TIMEZONE").first {
            let name = property.text.trimmingCharacters(in: .whitespaces)
            guard let zone = resolver.zone(for: name) else {
                throw unknownZone(name, line: property.line, resolver: resolver)
            }
            defaultZone = zone
        }
        let context = EventReader(fileName: fileName, resolver: resolver, defaultZone: defaultZone)
        var events: [ICalEvent] = []
        for child in calendar.children where child.name == "VEVENT" {
            events.append(try context.read(child))
        }
        return (events, timeZoneIDs, defaultZone)
    }

    private func read(timeZone component: Component) throws(ICalError) -> (String, ZoneDefinition) {
        guard let tzid = component.properties(named: "TZID").first?.text, !tzid.isEmpty else {
            throw ICalError(
                fileName: fileName, line: component.line, code: .missingProperty,
                what: "VTIMEZONE without TZID", why: "a VTIMEZONE is named by its TZID",
                fix: "Add a TZID line to the VTIMEZONE")
        }
        var definition = ZoneDefinition()
        definition.location = component.properties(named: "X-LIC-LOCATION").first?.text
        for part in component.children where part.name == "STANDARD" || part.name == "DAYLIGHT" {
            definition.observances.append(try read(observance: part, of: tzid))
        }
        return (tzid, definition)
    }

    private func read(observance part: Component, of tzid: String) throws(ICalError) -> ZoneDefinition.Observance {
        func offset(_ name: String) throws(ICalError) -> Int {
            guard let property = part.properties(named: name).first,
                let seconds = TimeZoneResolver.parseOffset(property.value)
            else {
                throw ICalError(
                    fileName: fileName, line: part.properties(named: name).first?.line ?? part.line, code: .badValue,
                    what: "\(part.name) of VTIMEZONE \"\(tzid)\" has no valid \(name)",
                    why: "each observance gives its UTC offsets as +HHMM or -HHMM",
                    fix: "Write \(name) such as +0100")
            }
            return seconds
        }
        func local(_ property: ContentLine, _ text: String) throws(ICalError) -> CivilDateTime {
            do {
                return try DateValue.parseDateTime(text)
            } catch {
                throw error.located(fileName: fileName, line: property.line)
            }
        }
        guard let startLine = part.properties(named: "DTSTART").first else {
            throw ICalError(
                fileName: fileName, line: part.line, code: .missingProperty,
                what: "\(part.name) of VTIMEZONE \"\(tzid)\" without DTSTART",
                why: "each observance starts at a DTSTART", fix: "Add DTSTART in local time, such as 19701025T030000")
        }
        var rule: RecurrenceRule?
        if let ruleLine = part.properties(named: "RRULE").first {
            do {
                rule = try RecurrenceRule.parse(ruleLine.value)
            } catch {
                throw error.located(fileName: fileName, line: ruleLine.line)
            }
        }
        var extraStarts: [CivilDateTime] = []
        for line in part.properties(named: "RDATE") {
            for item in line.value.split(separator: ",") {
                extraStarts.append(try local(line, String(item)))
            }
        }
        return ZoneDefinition.Observance(
            start: try local(startLine, startLine.value), offsetFrom: try offset("TZOFFSETFROM"),
            offsetTo: try offset("TZOFFSETTO"), rule: rule, extraStarts: extraStarts)
    }

    private func missingCalendar(line: Int, found: String? = nil) -> ICalError {
        ICalError(
            fileName: fileName, line: line, code: .missingCalendar,
            what: found.map { "top-level component \($0) outside VCALENDAR" } ?? "no VCALENDAR in the file",
            why: "an iCalendar file is one or more BEGIN:VCALENDAR … END:VCALENDAR blocks",
            fix: "Check that the file is an iCalendar (.ics) export")
    }

    private func unknownZone(_ name: String, line: Int, resolver: TimeZoneResolver) -> ICalError {
        unknownTimeZone(name, fileName: fileName, line: line, hasDefinition: resolver.hasDefinition(for: name))
    }
}

/// The error for a TZID or X-WR-TIMEZONE that names no usable zone.
func unknownTimeZone(_ name: String, fileName: String, line: Int, hasDefinition: Bool) -> ICalError {
    ICalError(
        fileName: fileName, line: line, code: .unknownTimeZone,
        what: "unknown time zone \"\(name)\"",
        why: hasDefinition
            ? "its VTIMEZONE names no IANA zone and no system zone follows its rules from 2010 to 2037"
            : "it is neither an IANA zone, a known Windows zone, nor defined by a VTIMEZONE",
        fix: "Use an IANA name such as Europe/Berlin for TZID")
}
