import Foundation

extension Emulator {
    /// Dispatches Google Calendar API endpoints after checking the bearer token.
    func handleGoogle(_ endpoint: Endpoint, request: EmulatorRequest, origin: String) throws -> EmulatorResponse {
        guard case .valid(let account) = checkBearer(request, vendor: .google) else { throw GoogleError.authError }
        switch endpoint {
        case .googleCalendarList: return googleCalendarList(account)
        case .googleCalendar(let id): return googleCalendarResource(try googleCalendar(id, account: account))
        case .googleListEvents(let id):
            return try googleListEvents(calendar: try googleCalendar(id, account: account), request: request)
        case .googleInsertEvent(let id):
            let calendar = try googleCalendar(id, account: account)
            let event = try googleInsert(into: calendar, body: try googleBody(request))
            return .json(200, event.resource(calendar: calendar, ownerEmail: account.email))
        case .googleWatchEvents(let id):
            return try googleWatch(calendar: try googleCalendar(id, account: account), account: account, request: request, origin: origin)
        case .googleGetEvent(let calendarID, let eventID):
            let calendar = try googleCalendar(calendarID, account: account)
            guard let event = googleEvents[calendar.id]?[eventID] else {
                guard let (series, instance) = googleInstance(eventID, calendar: calendar) else { throw GoogleError.notFound }
                return .json(200, instance, headers: [("ETag", series.etag)])
            }
            if let tag = request.header("if-none-match"), tag == event.etag {
                return .empty(304, headers: [("ETag", event.etag)])
            }
            return .json(200, event.resource(calendar: calendar, ownerEmail: account.email), headers: [("ETag", event.etag)])
        case .googlePatchEvent(let calendarID, let eventID), .googleUpdateEvent(let calendarID, let eventID):
            let calendar = try googleCalendar(calendarID, account: account)
            let replace: Bool
            if case .googleUpdateEvent = endpoint { replace = true } else { replace = false }
            let event = try googleModify(
                calendar: calendar, eventID: eventID, body: try googleBody(request), replace: replace,
                ifMatch: request.header("if-match"))
            return .json(200, event.resource(calendar: calendar, ownerEmail: account.email), headers: [("ETag", event.etag)])
        case .googleDeleteEvent(let calendarID, let eventID):
            let calendar = try googleCalendar(calendarID, account: account)
            try googleDelete(calendar: calendar, eventID: eventID, ifMatch: request.header("if-match"))
            return .empty(204)
        case .googleStopChannel:
            return try googleStopChannel(request, account: account)
        default:
            throw GoogleError.notFound
        }
    }

    /// The calendar named `id` (or `primary`) if `account` owns it.
    func googleCalendar(_ id: String, account: Account) throws -> CalendarRecord {
        if id == "primary", let calendar = directory.defaultCalendar(of: account.id) { return calendar }
        guard let calendar = directory.calendars[CalendarKey(vendor: .google, id: id)], calendar.ownerID == account.id
        else { throw GoogleError.notFound }
        return calendar
    }

    private func googleCalendarResource(_ calendar: CalendarRecord) -> EmulatorResponse {
        .json(
            200,
            [
                "kind": "calendar#calendar", "etag": .string("\"c\(calendar.lastRevision)\""),
                "id": .string(calendar.id), "summary": .string(calendar.name), "timeZone": .string(calendar.timeZone),
            ])
    }

    private func googleCalendarList(_ account: Account) -> EmulatorResponse {
        let items: [JSONValue] = directory.calendars(ownedBy: account.id).map { calendar in
            var entry: [String: JSONValue] = [
                "kind": "calendar#calendarListEntry", "etag": .string("\"l\(calendar.lastRevision)\""),
                "id": .string(calendar.id), "summary": .string(calendar.name),
                "timeZone": .string(calendar.timeZone), "accessRole": "owner",
                "defaultReminders": [], "selected": true,
            ]
            if calendar.isDefault { entry["primary"] = true }
            return .object(entry)
        }
        return .json(
            200,
            ["kind": "calendar#calendarList", "etag": .string("\"l\(revision)\""), "nextSyncToken": .string("l\(revision)"),
             "items": .array(items)])
    }

    /// The request body as a JSON object, or 400 `parseError`.
    func googleBody(_ request: EmulatorRequest) throws -> [String: JSONValue] {
        guard let object = request.jsonBody?.objectValue else {
            throw GoogleError(status: 400, domain: "global", reason: "parseError", message: "Parse Error")
        }
        return object.filter { !GoogleEvent.serverManagedKeys.contains($0.key) }
    }

    /// Checks the fields a stored event must have.
    private func validateGoogleFields(_ fields: [String: JSONValue], calendar: CalendarRecord) throws {
        guard let start = fields["start"] else { throw GoogleError.required("Missing start time.") }
        guard let end = fields["end"] else { throw GoogleError.required("Missing end time.") }
        guard let startTime = EventSpan.instant(of: start, defaultZone: calendar.zone) else {
            throw GoogleError.invalid("Invalid start time.")
        }
        guard let endTime = EventSpan.instant(of: end, defaultZone: calendar.zone) else {
            throw GoogleError.invalid("Invalid end time.")
        }
        guard startTime.date <= endTime.date else {
            throw GoogleError(status: 400, domain: "calendar", reason: "timeRangeEmpty", message: "The specified time range is empty.")
        }
        let recurrence = fields["recurrence"]?.arrayValue ?? []
        guard !recurrence.isEmpty else { return }
        if start["dateTime"] != nil && start["timeZone"] == nil {
            throw GoogleError.required("Missing time zone definition for start time.")
        }
        if end["dateTime"] != nil && end["timeZone"] == nil {
            throw GoogleError.required("Missing time zone definition for end time.")
        }
        for line in recurrence {
            guard let text = line.stringValue else { throw GoogleError.invalid("Invalid recurrence rule.") }
            if text.hasPrefix("RRULE:") && RecurrenceRule(text, zone: startTime.zone) == nil {
                throw GoogleError.invalid("Invalid recurrence rule.")
            }
        }
    }

    /// Whether `id` is a valid client-chosen Google event id (base32hex, 5–1024 characters).
    static func isValidGoogleEventID(_ id: String) -> Bool {
        (5...1024).contains(id.count) && id.allSatisfy { Alphabet.base32hex.contains($0) }
    }

    /// Inserts an event (client-chosen or generated id) and notifies the calendar's channels.
    func googleInsert(into calendar: CalendarRecord, body: [String: JSONValue], eventID: String? = nil) throws -> GoogleEvent {
        var fields = body
        let requestedID = eventID ?? takeID(from: &fields)
        let id: String
        if let requestedID {
            guard Self.isValidGoogleEventID(requestedID) else {
                throw GoogleError.invalid("Invalid resource id value.")
            }
            guard googleEvents[calendar.id]?[requestedID] == nil else { throw GoogleError.duplicate }
            id = requestedID
        } else {
            id = random.string(length: 26, alphabet: Alphabet.base32hex)
        }
        try validateGoogleFields(fields, calendar: calendar)
        let event = GoogleEvent(
            id: id, calendarID: calendar.id, fields: fields, revision: nextRevision(), created: clock.now,
            updated: clock.now)
        googleEvents[calendar.id, default: [:]][id] = event
        googleCalendarChanged(calendar.id, revision: event.revision)
        return event
    }

    private func takeID(from fields: inout [String: JSONValue]) -> String? {
        fields.removeValue(forKey: "id")?.stringValue
    }

    /// Patches (merges) or replaces an event, honouring `If-Match`. An instance of a recurring series
    /// not changed before becomes an exception: an event of its own under the instance id, which the
    /// series' expansion no longer lists.
    func googleModify(
        calendar: CalendarRecord, eventID: String, body: [String: JSONValue], replace: Bool, ifMatch: String?
    ) throws -> GoogleEvent {
        let ifMatch = try storeGoogleException(eventID, calendar: calendar, ifMatch: ifMatch) ? nil : ifMatch
        guard var event = googleEvents[calendar.id]?[eventID] else { throw GoogleError.notFound }
        if let ifMatch, ifMatch != "*", ifMatch != event.etag { throw GoogleError.conditionNotMet }
        if event.isDeleted { throw GoogleError.deleted }
        var changes = body
        changes.removeValue(forKey: "id")
        var fields = replace ? changes : (JSONValue.object(event.fields).merging(.object(changes)).objectValue ?? [:])
        // An exception stays the instance it replaces.
        for key in ["recurringEventId", "originalStartTime"] where event.fields[key] != nil { fields[key] = event.fields[key] }
        try validateGoogleFields(fields, calendar: calendar)
        event.fields = fields
        event.revision = nextRevision()
        event.updated = clock.now
        googleEvents[calendar.id]?[eventID] = event
        googleCalendarChanged(calendar.id, revision: event.revision)
        return event
    }

    /// Deletes an event, leaving a `cancelled` tombstone; deleting it again is 410 `deleted`. Deleting an
    /// instance of a recurring series leaves a cancelled exception; deleting a series cancels its
    /// exceptions too.
    func googleDelete(calendar: CalendarRecord, eventID: String, ifMatch: String?) throws {
        let ifMatch = try storeGoogleException(eventID, calendar: calendar, ifMatch: ifMatch) ? nil : ifMatch
        guard var event = googleEvents[calendar.id]?[eventID] else { throw GoogleError.notFound }
        if let ifMatch, ifMatch != "*", ifMatch != event.etag { throw GoogleError.conditionNotMet }
        if event.isDeleted { throw GoogleError.deleted }
        event.isDeleted = true
        event.revision = nextRevision()
        event.updated = clock.now
        googleEvents[calendar.id]?[eventID] = event
        if !event.recurrence.isEmpty {
            for exception in (googleEvents[calendar.id] ?? [:]).values
            where !exception.isDeleted && exception.fields["recurringEventId"]?.stringValue == eventID {
                var cancelled = exception
                cancelled.isDeleted = true
                cancelled.revision = event.revision
                cancelled.updated = clock.now
                googleEvents[calendar.id]?[exception.id] = cancelled
            }
        }
        googleCalendarChanged(calendar.id, revision: event.revision)
    }

    /// The instance `instanceID` (`{seriesId}_{yyyyMMddTHHmmssZ}`, or `{seriesId}_{yyyyMMdd}` all-day) of
    /// a live recurring series, as its expansion lists it, if the series has one by that id.
    func googleInstance(_ instanceID: String, calendar: CalendarRecord) -> (series: GoogleEvent, instance: JSONValue)? {
        guard let separator = instanceID.lastIndex(of: "_") else { return nil }
        guard let series = googleEvents[calendar.id]?[String(instanceID[..<separator])], !series.isDeleted,
            !series.recurrence.isEmpty, let span = series.span(defaultZone: calendar.zone)
        else { return nil }
        let owner = directory.accounts[calendar.ownerID]?.email ?? calendar.id
        let instances = googleInstances(
            of: series, span: span, resource: series.resource(calendar: calendar, ownerEmail: owner),
            horizon: clock.now.addingTimeInterval(5 * 366 * 86_400))
        return instances?.first { $0.id == instanceID }.map { (series, $0.resource) }
    }

    /// Stores `eventID`, when it is an instance of a series not changed on its own yet, as an exception
    /// with the instance's fields (without what the server renders), so a change or a deletion can act on
    /// it. `If-Match` is checked against the series' etag, which the instance carries.
    /// - Returns: Whether it stored one; `If-Match` is then checked already.
    private func storeGoogleException(_ eventID: String, calendar: CalendarRecord, ifMatch: String?) throws -> Bool {
        guard googleEvents[calendar.id]?[eventID] == nil, let (series, instance) = googleInstance(eventID, calendar: calendar)
        else { return false }
        if let ifMatch, ifMatch != "*", ifMatch != series.etag { throw GoogleError.conditionNotMet }
        let rendered: Set<String> = ["kind", "etag", "id", "status", "created", "updated", "htmlLink", "creator", "organizer"]
        googleEvents[calendar.id]?[eventID] = GoogleEvent(
            id: eventID, calendarID: calendar.id, fields: (instance.objectValue ?? [:]).filter { !rendered.contains($0.key) },
            revision: series.revision, created: series.created, updated: series.updated)
        return true
    }

    /// Records a change on a calendar and pushes `exists` to its live channels.
    func googleCalendarChanged(_ calendarID: String, revision: Int) {
        directory.calendars[CalendarKey(vendor: .google, id: calendarID)]?.lastRevision = revision
        for channel in channels.values where channel.calendarID == calendarID && channel.isLive(at: clock.now) {
            queueGooglePush(channelID: channel.id, state: .exists)
        }
    }
}
