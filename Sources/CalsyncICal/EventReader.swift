import Foundation

/// Reads one VEVENT into an `ICalEvent`, placing its times in their zones.
struct EventReader: Sendable {
    /// The file name used in errors.
    let fileName: String
    /// Resolves `TZID` parameters.
    let resolver: TimeZoneResolver
    /// The zone of floating times: the file's `X-WR-TIMEZONE`, else UTC.
    let defaultZone: TimeZone

    /// Properties a VEVENT may hold at most once.
    private static let singletons: Set<String> = [
        "UID", "DTSTART", "DTEND", "DURATION", "DTSTAMP", "SEQUENCE", "SUMMARY", "DESCRIPTION", "LOCATION",
        "RECURRENCE-ID", "STATUS", "RRULE",
    ]

    /// Reads `component`, a VEVENT; nested components such as VALARM are ignored.
    func read(_ component: Component) throws(ICalError) -> ICalEvent {
        var byName: [String: ContentLine] = [:]
        var extraLines: [ContentLine] = []
        var excludedLines: [ContentLine] = []
        for property in component.properties {
            switch property.name {
            case "RDATE": extraLines.append(property)
            case "EXDATE": excludedLines.append(property)
            case let name where Self.singletons.contains(name):
                if let earlier = byName[name] {
                    throw ICalError(
                        fileName: fileName, line: property.line, code: .duplicateProperty,
                        what: "\(name) given twice in one VEVENT (first on line \(earlier.line))",
                        why: "a VEVENT has at most one \(name)", fix: "Keep one \(name) line")
                }
                byName[name] = property
            default: continue
            }
        }
        guard let uidLine = byName["UID"], !uidLine.text.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw missing("UID", line: component.line, fix: "Add a UID line; calsync matches events by UID")
        }
        guard let startLine = byName["DTSTART"] else {
            throw missing("DTSTART", line: component.line, fix: "Add a DTSTART line with the event's start")
        }
        let start = try time(startLine)
        let length = try length(start: start, end: byName["DTEND"], duration: byName["DURATION"])
        var rule: RecurrenceRule?
        if let ruleLine = byName["RRULE"] {
            rule = try value(ruleLine) { () throws(ValueProblem) in try RecurrenceRule.parse(ruleLine.value) }
            if let rule, start.isDate, rule.hasTimeParts {
                throw ICalError(
                    fileName: fileName, line: ruleLine.line, code: .badRecurrenceRule,
                    what: "bad RRULE \"\(ruleLine.value)\"",
                    why: "an all-day event repeats by days; it has no hours, minutes or seconds",
                    fix: "Remove BYHOUR, BYMINUTE and BYSECOND, or give DTSTART a time")
            }
        }
        var recurrenceID: EventTime?
        if let idLine = byName["RECURRENCE-ID"] {
            if idLine.parameter("RANGE")?.uppercased() == "THISANDFUTURE" {
                throw ICalError(
                    fileName: fileName, line: idLine.line, code: .unsupported,
                    what: "RECURRENCE-ID with RANGE=THISANDFUTURE",
                    why: "an override applies to one instance only",
                    fix: "Split the series into two VEVENTs with their own UIDs, or override each instance")
            }
            recurrenceID = try time(idLine)
        }
        var extras: [ICalEvent.ExtraDate] = []
        for line in extraLines { extras += try extraDates(line) }
        var excluded: [EventTime] = []
        for line in excludedLines { excluded += try times(line) }
        return ICalEvent(
            uid: uidLine.text.trimmingCharacters(in: .whitespaces),
            revision: ICalRevision(sequence: try sequence(byName["SEQUENCE"]), stamp: try stamp(byName["DTSTAMP"])),
            title: byName["SUMMARY"]?.text ?? "",
            description: byName["DESCRIPTION"]?.text ?? "",
            location: byName["LOCATION"]?.text ?? "",
            start: start, length: length, rule: rule,
            extraDates: extras, excludedDates: excluded,
            recurrenceID: recurrenceID,
            isCancelled: byName["STATUS"]?.value.trimmingCharacters(in: .whitespaces).uppercased() == "CANCELLED",
            defaultZone: defaultZone, line: component.line, ruleLine: byName["RRULE"]?.line)
    }

    // MARK: - Values

    /// The single date or date-time value of `line`.
    private func time(_ line: ContentLine) throws(ICalError) -> EventTime {
        guard let value = try times(line).first else {
            throw ICalError(
                fileName: fileName, line: line.line, code: .badValue, what: "empty \(line.name)",
                why: "\(line.name) holds a date or date-time", fix: "Write a value such as 20261124T100000Z")
        }
        return value
    }

    /// The comma-separated date or date-time values of `line`.
    private func times(_ line: ContentLine) throws(ICalError) -> [EventTime] {
        let isDate = line.parameter("VALUE")?.uppercased() == "DATE"
        var result: [EventTime] = []
        for item in line.value.split(separator: ",", omittingEmptySubsequences: false) {
            let parsed = try value(line) { () throws(ValueProblem) in
                try DateValue.parse(String(item), tzid: line.parameter("TZID"), isDate: isDate)
            }
            result.append(try place(parsed, line: line))
        }
        return result
    }

    /// Places a parsed value in its zone.
    private func place(_ value: DateValue, line: ContentLine) throws(ICalError) -> EventTime {
        switch value {
        case .date(let date):
            return .date(date)
        case .utc(let civil):
            return .dateTime(civil, .utc)
        case .local(let civil, nil):
            return .dateTime(civil, defaultZone)
        case .local(let civil, let tzid?):
            guard let zone = resolver.zone(for: tzid) else {
                throw unknownTimeZone(
                    tzid, fileName: fileName, line: line.line, hasDefinition: resolver.hasDefinition(for: tzid))
            }
            return .dateTime(civil, zone)
        }
    }

    /// The RDATE values of `line`: dates, date-times, or PERIODs (`start/end`, `start/duration`).
    private func extraDates(_ line: ContentLine) throws(ICalError) -> [ICalEvent.ExtraDate] {
        guard line.parameter("VALUE")?.uppercased() == "PERIOD" || line.value.contains("/") else {
            return try times(line).map { ICalEvent.ExtraDate(start: $0, end: nil) }
        }
        var result: [ICalEvent.ExtraDate] = []
        for item in line.value.split(separator: ",") {
            let halves = item.split(separator: "/", maxSplits: 1).map(String.init)
            guard halves.count == 2 else {
                throw ICalError(
                    fileName: fileName, line: line.line, code: .badValue, what: "bad period \"\(item)\"",
                    why: "a PERIOD is START/END or START/DURATION",
                    fix: "Write the period as 20261124T100000Z/20261124T110000Z or 20261124T100000Z/PT1H")
            }
            let tzid = line.parameter("TZID")
            let start = try place(try value(line) { () throws(ValueProblem) in
                try DateValue.parse(halves[0], tzid: tzid, isDate: false)
            }, line: line)
            let startInstant = start.time.sortInstant
            let end: Date
            if halves[1].contains("P") {
                let duration = try value(line) { () throws(ValueProblem) in try ICalDuration.parse(halves[1]) }
                end = startInstant.addingTimeInterval(Double(duration.days * 86_400 + duration.seconds))
            } else {
                let endValue = try value(line) { () throws(ValueProblem) in
                    try DateValue.parse(halves[1], tzid: tzid, isDate: false)
                }
                end = try place(endValue, line: line).time.sortInstant
            }
            guard end >= startInstant else { throw endBeforeStart(line) }
            result.append(ICalEvent.ExtraDate(start: start, end: end))
        }
        return result
    }

    /// Runs a value parser, placing its problem at `line`.
    private func value<T>(_ line: ContentLine, _ parse: () throws(ValueProblem) -> T) throws(ICalError) -> T {
        do {
            return try parse()
        } catch {
            throw error.located(fileName: fileName, line: line.line)
        }
    }

    /// How long each instance lasts, from DTEND or DURATION.
    private func length(
        start: EventTime, end endLine: ContentLine?, duration durationLine: ContentLine?
    ) throws(ICalError) -> ICalEvent.Length {
        if let endLine, let durationLine {
            throw ICalError(
                fileName: fileName, line: durationLine.line, code: .duplicateProperty,
                what: "both DTEND (line \(endLine.line)) and DURATION given",
                why: "a VEVENT ends by DTEND or by DURATION, not both", fix: "Remove one of them")
        }
        if let endLine {
            let end = try time(endLine)
            switch (start, end) {
            case (.date(let first), .date(let last)):
                guard last >= first else { throw endBeforeStart(endLine) }
                return .days(max(1, last.dayNumber - first.dayNumber))
            case (.dateTime, .dateTime):
                let seconds = end.time.sortInstant.timeIntervalSince(start.time.sortInstant)
                guard seconds >= 0 else { throw endBeforeStart(endLine) }
                return .exact(seconds: Int(seconds))
            default:
                throw ICalError(
                    fileName: fileName, line: endLine.line, code: .badValue,
                    what: "DTEND is \(end.isDate ? "a DATE" : "a DATE-TIME") but DTSTART is not",
                    why: "DTSTART and DTEND have the same value type",
                    fix: "Write both as dates (all-day) or both as date-times")
            }
        }
        if let durationLine {
            let duration = try value(durationLine) { () throws(ValueProblem) in
                try ICalDuration.parse(durationLine.value)
            }
            guard !duration.isNegative else { throw endBeforeStart(durationLine) }
            if start.isDate {
                return .days(max(1, duration.days + (duration.seconds + 86_399) / 86_400))
            }
            return .nominal(duration)
        }
        return start.isDate ? .days(1) : .exact(seconds: 0)
    }

    private func sequence(_ line: ContentLine?) throws(ICalError) -> Int {
        guard let line else { return 0 }
        guard let value = Int(line.value.trimmingCharacters(in: .whitespaces)), value >= 0 else {
            throw ICalError(
                fileName: fileName, line: line.line, code: .badValue, what: "bad SEQUENCE \"\(line.value)\"",
                why: "SEQUENCE is a whole number from 0", fix: "Write SEQUENCE:0 or a higher number")
        }
        return value
    }

    private func stamp(_ line: ContentLine?) throws(ICalError) -> Date? {
        guard let line else { return nil }
        return try time(line).time.sortInstant
    }

    // MARK: - Errors

    private func missing(_ name: String, line: Int, fix: String) -> ICalError {
        ICalError(
            fileName: fileName, line: line, code: .missingProperty, what: "VEVENT without \(name)",
            why: "every VEVENT has a \(name)", fix: fix)
    }

    private func endBeforeStart(_ line: ContentLine) -> ICalError {
        ICalError(
            fileName: fileName, line: line.line, code: .endBeforeStart,
            what: "\(line.name) \"\(line.value)\" ends before the event starts",
            why: "an event's end is at or after its start",
            fix: "Correct DTEND or DURATION, or swap it with DTSTART")
    }
}
