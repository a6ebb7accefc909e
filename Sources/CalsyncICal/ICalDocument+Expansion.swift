import Foundation

extension ICalDocument {
    /// Expands every event into the instances that a schedule stores.
    ///
    /// - A single (non-recurring) event is one instance, keyed by its UID, whatever `range`.
    /// - A recurring event (RRULE and/or RDATE) yields the instances starting inside `range`
    ///   (start inclusive, end exclusive): DTSTART, the rule's occurrences and the RDATEs,
    ///   less the EXDATEs, keyed `UID/<original start>`.
    /// - An override (a VEVENT with RECURRENCE-ID) replaces the instance it names (or a single
    ///   event whose start it names) and is kept when its own start is inside `range`; a
    ///   cancelled override removes the instance.
    /// - A cancelled event (`STATUS:CANCELLED` without RECURRENCE-ID) yields nothing.
    /// - When one UID (and RECURRENCE-ID) appears more than once, the copy whose revision
    ///   supersedes the others (`ICalRevision.supersedes`) is used.
    ///
    /// - Parameter range: The instants whose recurring instances are wanted; see
    ///   `ICalendar.defaultRange(around:)`.
    /// - Returns: The instances ordered by start, then key.
    /// - Throws: `ICalError` when a rule runs away (too many steps or instances).
    public func expand(range: DateInterval) throws(ICalError) -> [ICalInstance] {
        var masters: [String: ICalEvent] = [:]
        var overrides: [String: [InstanceKey: ICalEvent]] = [:]
        var uidOrder: [String] = []
        for event in events where event.recurrenceID == nil {
            if masters[event.uid] == nil { uidOrder.append(event.uid) }
            masters[event.uid] = newer(masters[event.uid], event)
        }
        for event in events {
            guard let recurrenceID = event.recurrenceID else { continue }
            if masters[event.uid] == nil, overrides[event.uid] == nil { uidOrder.append(event.uid) }
            let isAllDaySeries = masters[event.uid]?.start.isDate ?? recurrenceID.isDate
            let key = InstanceKey(uid: event.uid, recurrence: Self.original(recurrenceID, isAllDay: isAllDaySeries))
            overrides[event.uid, default: [:]][key] = newer(overrides[event.uid]?[key], event)
        }
        var instances: [ICalInstance] = []
        for uid in uidOrder {
            let replaced = overrides[uid] ?? [:]
            if let master = masters[uid], !master.isCancelled {
                let ownStart = Self.original(master.start, isAllDay: master.start.isDate)
                let ownKey = InstanceKey(uid: uid, recurrence: ownStart)
                let isReplacedWhole = !master.isRecurring && replaced[ownKey] != nil
                for instance in try instancesOf(master, in: range) where replaced[instance.key] == nil {
                    if !isReplacedWhole { instances.append(instance) }
                }
            }
            for (key, event) in replaced where !event.isCancelled {
                let instance = makeInstance(event, key: key, start: event.start)
                if isInside(instance.start, range) { instances.append(instance) }
            }
        }
        return instances.sorted { ($0.start, $0.key) < ($1.start, $1.key) }
    }

    /// The original start an EXDATE or RECURRENCE-ID names: its day in an all-day series (some
    /// writers give those a time), else the value itself.
    private static func original(_ time: EventTime, isAllDay: Bool) -> ICalTime {
        if isAllDay, case .dateTime(let civil, _) = time { return .allDay(civil.date) }
        return time.time
    }

    private func newer(_ current: ICalEvent?, _ incoming: ICalEvent) -> ICalEvent {
        guard let current else { return incoming }
        return incoming.revision.supersedes(current.revision) ? incoming : current
    }

    private func instancesOf(_ event: ICalEvent, in range: DateInterval) throws(ICalError) -> [ICalInstance] {
        guard event.isRecurring else {
            return [makeInstance(event, key: InstanceKey(uid: event.uid, recurrence: nil), start: event.start)]
        }
        let zone = event.zone
        let startCivil = civil(of: event.start, in: zone)
        let window = civilWindow(of: range, in: zone)
        var starts: [CivilDateTime]
        if let rule = event.rule {
            do {
                starts = try rule.occurrences(start: startCivil, window: window, zone: zone)
            } catch {
                throw error.located(fileName: fileName, line: event.ruleLine ?? event.line)
            }
        } else {
            starts = window.contains(startCivil) ? [startCivil] : []
        }
        var seen: Set<ICalTime> = []
        var excludedDates: Set<CivilDate> = []
        for excluded in event.excludedDates {
            if case .date(let date) = excluded, !event.start.isDate {
                excludedDates.insert(date)
            } else {
                seen.insert(Self.original(excluded, isAllDay: event.start.isDate))
            }
        }
        var instances: [ICalInstance] = []
        func add(_ start: EventTime, end: ICalTime?) {
            let original = start.time
            guard !seen.contains(original), !excludedDates.contains(civil(of: start, in: zone).date) else { return }
            seen.insert(original)
            var instance = makeInstance(event, key: InstanceKey(uid: event.uid, recurrence: original), start: start)
            if let end { instance = instance.ending(at: end) }
            if isInside(instance.start, range) { instances.append(instance) }
        }
        for start in starts {
            add(event.start.isDate ? .date(start.date) : .dateTime(start, zone), end: nil)
        }
        for extra in event.extraDates {
            add(extra.start, end: extra.end.map(ICalTime.instant))
        }
        return instances
    }

    /// The instance of `event` starting at `start`, with the event's length.
    private func makeInstance(_ event: ICalEvent, key: InstanceKey, start: EventTime) -> ICalInstance {
        let civilStart = civil(of: start, in: event.zone)
        let startTime: ICalTime =
            event.start.isDate ? .allDay(civilStart.date) : .instant(event.zone.instant(of: civilStart))
        return ICalInstance(
            key: key, title: event.title, description: event.description, location: event.location,
            start: startTime, end: event.end(ofInstanceAt: civilStart), timeZone: event.zone,
            revision: event.revision, line: event.line)
    }

    private func civil(of time: EventTime, in zone: TimeZone) -> CivilDateTime {
        switch time {
        case .date(let date): CivilDateTime(midnightOf: date)
        case .dateTime(let civil, let own) where own.identifier == zone.identifier: civil
        case .dateTime(let civil, let own): zone.civil(at: own.instant(of: civil))
        }
    }

    /// `range` on the wall clock of `zone`, widened by a day each side for offset changes.
    private func civilWindow(of range: DateInterval, in zone: TimeZone) -> ClosedRange<CivilDateTime> {
        let lower = zone.civil(at: range.start).civilSeconds - 86_400
        let upper = zone.civil(at: range.end).civilSeconds + 86_400
        return CivilDateTime(civilSeconds: lower)...CivilDateTime(civilSeconds: upper)
    }

    /// Whether `start` lies in `range`; an all-day date counts from its midnight in the
    /// file's default zone.
    private func isInside(_ start: ICalTime, _ range: DateInterval) -> Bool {
        let instant: Date
        switch start {
        case .instant(let date): instant = date
        case .allDay(let date): instant = defaultTimeZone.instant(of: CivilDateTime(midnightOf: date))
        }
        return instant >= range.start && instant < range.end
    }
}

extension ICalInstance {
    /// The same instance with another end, for RDATE periods.
    func ending(at end: ICalTime) -> ICalInstance {
        ICalInstance(
            key: key, title: title, description: description, location: location, start: start, end: end,
            timeZone: timeZone, revision: revision, line: line)
    }
}
