import Foundation

/// The state behind a Google `nextSyncToken`.
struct GoogleSyncCursor: Codable, Sendable {
    /// Calendar id.
    let c: String
    /// Revision the token was issued at.
    let r: Int
    /// Calendar cursor generation.
    let g: Int
}

/// The state behind a Google `nextPageToken`.
struct GooglePageCursor: Codable, Sendable {
    /// Calendar id.
    let c: String
    /// Revision of the first page; becomes the final `nextSyncToken`.
    let s: Int
    /// Sort key of the last item returned.
    let a: String
    /// Calendar cursor generation.
    let g: Int
}

/// One listed item with its sort key; the resource is rendered only for the page served.
private struct ListedItem {
    let key: String
    let render: () -> JSONValue
}

extension Emulator {
    /// Parameters that cannot be combined with `syncToken`.
    static let syncTokenRestrictions = [
        "iCalUID", "orderBy", "privateExtendedProperty", "q", "sharedExtendedProperty", "timeMin", "timeMax", "updatedMin",
    ]

    /// events.list: paging, sync tokens, tombstones, time window, extended-property filters, expansion.
    func googleListEvents(calendar: CalendarRecord, request: EmulatorRequest) throws -> EmulatorResponse {
        let maxResults: Int
        if let text = request.queryValue("maxResults") {
            guard let value = Int(text), value >= 1 else { throw GoogleError.invalid("Invalid value for maxResults.", parameter: "maxResults") }
            maxResults = min(value, 2500)
        } else {
            maxResults = 250
        }
        let singleEvents = request.queryValue("singleEvents") == "true"
        let showDeletedText = request.queryValue("showDeleted")
        var orderBy: GoogleEventOrder?
        if let text = request.queryValue("orderBy") {
            guard let order = GoogleEventOrder(rawValue: text) else {
                throw GoogleError.invalid("Invalid value for orderBy.", parameter: "orderBy")
            }
            orderBy = order
        }
        if orderBy == .startTime && !singleEvents {
            throw GoogleError(status: 400, domain: "global", reason: "badRequest", message: "The requested ordering is not available for the particular query.")
        }
        let zone = calendar.zone
        func time(_ name: String) throws -> Date? {
            guard let text = request.queryValue(name) else { return nil }
            guard let date = DateFormats.parseRFC3339(text) else {
                throw GoogleError.invalid("Bad Request", parameter: name)
            }
            return date
        }
        let timeMin = try time("timeMin")
        let timeMax = try time("timeMax")
        let updatedMin = try time("updatedMin")
        if let timeMin, let timeMax, timeMin >= timeMax {
            throw GoogleError(status: 400, domain: "calendar", reason: "timeRangeEmpty", message: "The specified time range is empty.", location: ("parameter", "timeMax"))
        }
        func filters(_ name: String) throws -> [(String, String)] {
            try request.queryValues(name).map { item in
                let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                guard parts.count == 2 else { throw GoogleError.invalid("Invalid \(name) value.", parameter: name) }
                return (String(parts[0]), String(parts[1]))
            }
        }
        let privateFilters = try filters("privateExtendedProperty")
        let sharedFilters = try filters("sharedExtendedProperty")

        var sinceRevision: Int?
        if let syncToken = request.queryValue("syncToken") {
            if Self.syncTokenRestrictions.contains(where: { request.queryValue($0) != nil }) || showDeletedText == "false" {
                throw GoogleError.syncTokenWithRestrictions
            }
            guard let cursor = OpaqueToken.decode(GoogleSyncCursor.self, from: syncToken, prefix: "CP"),
                cursor.c == calendar.id, cursor.g == calendar.cursorGeneration, cursor.r <= calendar.lastRevision
            else { throw GoogleError.fullSyncRequired }
            sinceRevision = cursor.r
        }
        var page: GooglePageCursor?
        if let pageToken = request.queryValue("pageToken") {
            guard let cursor = OpaqueToken.decode(GooglePageCursor.self, from: pageToken, prefix: "EA"), cursor.c == calendar.id
            else { throw GoogleError.invalid("Invalid page token value.", parameter: "pageToken") }
            if sinceRevision != nil && cursor.g != calendar.cursorGeneration { throw GoogleError.fullSyncRequired }
            page = cursor
        }
        let snapshot = page?.s ?? calendar.lastRevision
        let includeDeleted = sinceRevision != nil || updatedMin != nil || showDeletedText == "true"
        let query = request.queryValue("q")?.lowercased()
        let iCalUID = request.queryValue("iCalUID")
        let owner = directory.accounts[calendar.ownerID]?.email ?? calendar.id
        let horizon = timeMax ?? clock.now.addingTimeInterval(366 * 86_400)

        var items: [ListedItem] = []
        for event in (googleEvents[calendar.id] ?? [:]).values {
            if let sinceRevision, event.revision <= sinceRevision { continue }
            if event.isDeleted && !includeDeleted { continue }
            if let updatedMin, event.updated < updatedMin { continue }
            if let iCalUID, (event.fields["iCalUID"]?.stringValue ?? "\(event.id)@google.com") != iCalUID { continue }
            if !privateFilters.allSatisfy({ event.extendedProperty("private", $0.0) == $0.1 }) { continue }
            if !sharedFilters.allSatisfy({ event.extendedProperty("shared", $0.0) == $0.1 }) { continue }
            if let query {
                let text = ["summary", "description", "location"].compactMap { event.fields[$0]?.stringValue }
                    .joined(separator: " ").lowercased()
                if !text.contains(query) { continue }
            }
            let render = { event.resource(calendar: calendar, ownerEmail: owner) }
            guard !event.isDeleted, let span = event.span(defaultZone: zone) else {
                items.append(ListedItem(key: sortKey(orderBy, id: event.id, start: nil, updated: event.updated), render: render))
                continue
            }
            let instances = event.recurrence.isEmpty
                ? nil : googleInstances(of: event, span: span, resource: render(), horizon: horizon)
            if singleEvents, let instances {
                // An instance changed on its own is an exception, listed as an event of its own.
                for instance in instances
                where instance.span.overlaps(timeMin: timeMin, timeMax: timeMax) && googleEvents[calendar.id]?[instance.id] == nil {
                    let resource = instance.resource
                    items.append(ListedItem(key: sortKey(orderBy, id: instance.id, start: instance.span.start, updated: event.updated), render: { resource }))
                }
            } else {
                let overlaps = instances.map { $0.contains { $0.span.overlaps(timeMin: timeMin, timeMax: timeMax) } }
                    ?? span.overlaps(timeMin: timeMin, timeMax: timeMax)
                if overlaps {
                    items.append(ListedItem(key: sortKey(orderBy, id: event.id, start: span.start, updated: event.updated), render: render))
                }
            }
        }
        items.sort { $0.key < $1.key }
        if let after = page?.a {
            items.removeAll { $0.key <= after }
        }
        let pageItems = Array(items.prefix(maxResults))
        var body: [String: JSONValue] = [
            "kind": "calendar#events",
            "etag": .string("\"p\(snapshot)\""),
            "summary": .string(calendar.name),
            "description": "",
            "updated": .string(DateFormats.rfc3339(clock.now)),
            "timeZone": .string(calendar.timeZone),
            "accessRole": "owner",
            "defaultReminders": [],
            "items": .array(pageItems.map { $0.render() }),
        ]
        if items.count > maxResults, let last = pageItems.last {
            body["nextPageToken"] = .string(
                OpaqueToken.encode(GooglePageCursor(c: calendar.id, s: snapshot, a: last.key, g: calendar.cursorGeneration), prefix: "EA"))
        } else {
            body["nextSyncToken"] = .string(
                OpaqueToken.encode(GoogleSyncCursor(c: calendar.id, r: snapshot, g: calendar.cursorGeneration), prefix: "CP"))
        }
        return .json(200, .object(body))
    }

    private func sortKey(_ orderBy: GoogleEventOrder?, id: String, start: Date?, updated: Date) -> String {
        switch orderBy {
        case .startTime: return (start.map(DateFormats.rfc3339) ?? "") + "|" + id
        case .updated: return DateFormats.rfc3339(updated) + "|" + id
        case nil: return id
        }
    }

    /// The instances of a recurring event up to `horizon`; `nil` for a single event.
    func googleInstances(
        of event: GoogleEvent, span: EventSpan, resource: JSONValue, horizon: Date
    ) -> [(id: String, span: EventSpan, resource: JSONValue)]? {
        guard let line = event.recurrence.first(where: { $0.hasPrefix("RRULE:") }),
            let rule = RecurrenceRule(line, zone: span.zone)
        else { return nil }
        let excluded = Set(event.recurrence.filter { $0.hasPrefix("EXDATE") }.flatMap { exceptionDates($0, zone: span.zone) })
        let duration = span.end.timeIntervalSince(span.start)
        let zoneName = span.zone.identifier
        guard case .object(var base) = resource else { return nil }
        base.removeValue(forKey: "recurrence")
        base["recurringEventId"] = .string(event.id)
        return rule.occurrences(from: span.start, in: span.zone, before: horizon)
            .filter { !excluded.contains($0) }
            .map { start in
                let end = start.addingTimeInterval(duration)
                var object = base
                let id: String
                if span.isAllDay {
                    let day = DateFormats.dateOnly(start, in: span.zone)
                    id = event.id + "_" + day.replacingOccurrences(of: "-", with: "")
                    object["start"] = ["date": .string(day)]
                    object["end"] = ["date": .string(DateFormats.dateOnly(end, in: span.zone))]
                    object["originalStartTime"] = ["date": .string(day)]
                } else {
                    id = event.id + "_" + DateFormats.compactUTC(start)
                    object["start"] = ["dateTime": .string(DateFormats.rfc3339(start, in: span.zone)), "timeZone": .string(zoneName)]
                    object["end"] = ["dateTime": .string(DateFormats.rfc3339(end, in: span.zone)), "timeZone": .string(zoneName)]
                    object["originalStartTime"] = ["dateTime": .string(DateFormats.rfc3339(start, in: span.zone)), "timeZone": .string(zoneName)]
                }
                object["id"] = .string(id)
                let instanceSpan = EventSpan(start: start, end: end, isAllDay: span.isAllDay, zone: span.zone)
                return (id, instanceSpan, .object(object))
            }
    }

    /// Dates listed on an `EXDATE` line (`EXDATE;TZID=Europe/Berlin:20260105T100000,...`).
    private func exceptionDates(_ line: String, zone: TimeZone) -> [Date] {
        let parts = line.split(separator: ":", maxSplits: 1)
        guard parts.count == 2 else { return [] }
        var lineZone = zone
        if let tzid = parts[0].split(separator: ";").first(where: { $0.hasPrefix("TZID=") }),
            let named = TimeZone(identifier: String(tzid.dropFirst(5)))
        {
            lineZone = named
        }
        return parts[1].split(separator: ",").compactMap { value in
            let digits = Array(value.replacingOccurrences(of: "Z", with: ""))
            guard digits.count >= 8 else { return nil }
            let date = "\(String(digits[0..<4]))-\(String(digits[4..<6]))-\(String(digits[6..<8]))"
            if digits.count == 8 { return DateFormats.parseDate(date, in: lineZone) }
            guard digits.count == 15 else { return nil }
            let iso = "\(date)T\(String(digits[9..<11])):\(String(digits[11..<13])):\(String(digits[13..<15]))"
            return value.hasSuffix("Z") ? DateFormats.parseRFC3339(iso + "Z") : DateFormats.parseLocal(iso, in: lineZone)
        }
    }
}
