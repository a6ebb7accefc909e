import Foundation

extension Emulator {
    /// The tenant id put on notifications.
    static let graphTenantID = "9d2f3c7a-0c1e-4b8e-9a51-3f0e6d5c4b2a"

    /// Dispatches Graph endpoints under `/me` or `/users/{id}` after checking the bearer token.
    func handleGraph(_ endpoint: GraphEndpoint, user: GraphUserRef, request: EmulatorRequest, origin: String) throws -> EmulatorResponse {
        let account = try graphAccount(user: user, request: request)
        switch endpoint {
        case .user:
            return .json(200, [
                "@odata.context": .string("\(origin)/graph/v1.0/$metadata#users/$entity"),
                "id": .string(account.id), "displayName": .string(account.displayName),
                "mail": .string(account.email), "userPrincipalName": .string(account.email),
            ])
        case .defaultCalendar:
            guard let calendar = directory.defaultCalendar(of: account.id) else { throw GraphError.itemNotFound }
            return .json(200, graphCalendarResource(calendar, account: account))
        case .calendars:
            let values = directory.calendars(ownedBy: account.id).map { graphCalendarResource($0, account: account) }
            return .json(200, ["@odata.context": .string("\(origin)/graph/v1.0/$metadata#users('\(account.id)')/calendars"), "value": .array(values)])
        case .calendar(let id):
            return .json(200, graphCalendarResource(try graphCalendar(.calendar(id), account: account), account: account))
        case .listEvents(let selector):
            return try graphListEvents(calendar: try graphCalendar(selector, account: account), request: request, origin: origin)
        case .createEvent(let selector):
            let calendar = try graphCalendar(selector, account: account)
            guard let body = request.jsonBody?.objectValue else { throw GraphError.invalidRequest("Empty Payload. JSON content expected.") }
            let event = try graphCreate(in: calendar, body: body)
            return .json(201, event.resource(userID: account.id, expanding: nil), headers: [("ETag", event.etag)])
        case .getEvent(let selector, let id):
            let event = try graphFindEvent(id, selector: selector, account: account)
            if let tag = request.header("if-none-match"), tag == event.etag { return .empty(304) }
            return .json(200, event.resource(userID: account.id, expanding: Self.expandedPropertyIDs(request)), headers: [("ETag", event.etag)])
        case .updateEvent(let selector, let id):
            let event = try graphFindEvent(id, selector: selector, account: account)
            guard let body = request.jsonBody?.objectValue else { throw GraphError.invalidRequest("Empty Payload. JSON content expected.") }
            let updated = try graphUpdate(event, body: body, ifMatch: request.header("if-match"))
            return .json(200, updated.resource(userID: account.id, expanding: nil), headers: [("ETag", updated.etag)])
        case .deleteEvent(let selector, let id):
            let event = try graphFindEvent(id, selector: selector, account: account)
            try graphDelete(event, ifMatch: request.header("if-match"))
            return .empty(204)
        case .delta(let selector):
            return try graphDelta(calendar: try graphCalendar(selector, account: account), request: request, origin: origin)
        }
    }

    /// The account a Graph request acts for: the token's user, who must be the one named in the path.
    func graphAccount(user: GraphUserRef, request: EmulatorRequest) throws -> Account {
        let account: Account
        switch checkBearer(request, vendor: .microsoft) {
        case .valid(let valid): account = valid
        case .missing: throw GraphError.tokenMissing
        case .expired: throw GraphError.tokenExpired
        case .unknown: throw GraphError.tokenInvalid
        }
        if case .user(let named) = user {
            guard let target = directory.account(vendor: .microsoft, idOrEmail: named) else {
                throw GraphError(status: 404, code: "ErrorInvalidUser", message: "The requested user '\(named)' is invalid.")
            }
            guard target.id == account.id else { throw GraphError.accessDenied }
        }
        return account
    }

    /// The calendar a path selects, owned by `account`.
    func graphCalendar(_ selector: GraphCalendarSelector, account: Account) throws -> CalendarRecord {
        switch selector {
        case .defaultCalendar:
            guard let calendar = directory.defaultCalendar(of: account.id) else { throw GraphError.itemNotFound }
            return calendar
        case .calendar(let id):
            guard let calendar = directory.calendars[CalendarKey(vendor: .microsoft, id: id)], calendar.ownerID == account.id
            else { throw GraphError.itemNotFound }
            return calendar
        }
    }

    private func graphCalendarResource(_ calendar: CalendarRecord, account: Account) -> JSONValue {
        [
            "id": .string(calendar.id), "name": .string(calendar.name), "color": "auto",
            "changeKey": .string("c\(calendar.lastRevision)"), "canShare": true, "canViewPrivateItems": true,
            "canEdit": true, "isDefaultCalendar": .bool(calendar.isDefault), "isRemovable": .bool(!calendar.isDefault),
            "owner": ["name": .string(account.displayName), "address": .string(account.email)],
        ]
    }

    /// A live event by id: in the named calendar, or in any of the user's calendars.
    func graphFindEvent(_ id: String, selector: GraphCalendarSelector, account: Account) throws -> GraphEvent {
        let candidates: [CalendarRecord]
        if case .calendar = selector {
            candidates = [try graphCalendar(selector, account: account)]
        } else {
            candidates = directory.calendars(ownedBy: account.id)
        }
        for calendar in candidates {
            if let event = graphEvents[calendar.id]?[id] {
                if event.isDeleted { break }
                return event
            }
            if let occurrence = graphOccurrence(id, in: calendar) { return occurrence }
        }
        throw GraphError.itemNotFound
    }

    /// The occurrence `id` (`{masterId}_{yyyyMMddTHHmmssZ}`) of a live series in `calendar`, not changed
    /// on its own yet: not stored, with the series' fields, etag and extended properties.
    func graphOccurrence(_ id: String, in calendar: CalendarRecord) -> GraphEvent? {
        guard let separator = id.lastIndex(of: "_"), let series = graphEvents[calendar.id]?[String(id[..<separator])],
            !series.isDeleted,
            let found = series.occurrences(
                userID: calendar.ownerID, windowStart: series.start, windowEnd: clock.now.addingTimeInterval(5 * 366 * 86_400)
            )?.first(where: { $0.id == id }),
            let start = GraphEvent.instant(of: found.value["start"]), let end = GraphEvent.instant(of: found.value["end"])
        else { return nil }
        var fields = series.fields
        fields.removeValue(forKey: "recurrence")
        fields["seriesMasterId"] = .string(series.id)
        var occurrence = GraphEvent(
            id: id, calendarID: calendar.id, fields: fields, changeKey: series.changeKey, revision: series.revision,
            created: series.created, lastModified: series.lastModified, transactionID: nil, start: start, end: end)
        occurrence.extendedProperties = series.extendedProperties
        occurrence.history = [(series.revision, start, end)]
        occurrence.isOccurrence = true
        return occurrence
    }

    /// Splits a request body into stored fields, times and extended properties.
    private func graphInput(_ body: [String: JSONValue]) throws -> (fields: [String: JSONValue], start: Date?, end: Date?, properties: [(String, String)]) {
        var fields = body.filter { !GraphEvent.serverManagedKeys.contains($0.key) }
        var start: Date?
        var end: Date?
        if let value = fields.removeValue(forKey: "start") {
            guard let date = GraphEvent.instant(of: value) else { throw GraphError.invalidRequest("Invalid start dateTimeTimeZone.") }
            start = date
        }
        if let value = fields.removeValue(forKey: "end") {
            guard let date = GraphEvent.instant(of: value) else { throw GraphError.invalidRequest("Invalid end dateTimeTimeZone.") }
            end = date
        }
        var properties: [(String, String)] = []
        if let list = body["singleValueExtendedProperties"] {
            guard let items = list.arrayValue else { throw GraphError.invalidRequest("Invalid singleValueExtendedProperties.") }
            for item in items {
                guard let id = item["id"]?.stringValue, let value = item["value"]?.stringValue else {
                    throw GraphError.invalidRequest("A single-value extended property needs an id and a value.")
                }
                properties.append((id, value))
            }
        }
        return (fields, start, end, properties)
    }

    /// Creates an event; a repeated `transactionId` returns the event it created first.
    func graphCreate(in calendar: CalendarRecord, body: [String: JSONValue]) throws -> GraphEvent {
        let transactionID = body["transactionId"]?.stringValue
        let transactionKey = transactionID.map { "\(calendar.ownerID)|\($0)" }
        if let transactionKey, let existingID = graphTransactions[transactionKey] {
            for events in graphEvents.values {
                if let existing = events[existingID], !existing.isDeleted { return existing }
            }
        }
        let input = try graphInput(body)
        guard let start = input.start, let end = input.end else {
            throw GraphError.invalidRequest("Start and end are required.")
        }
        guard start <= end else { throw GraphError.invalidRequest("The end time must be after the start time.") }
        let revision = nextRevision()
        var event = GraphEvent(
            id: "AAMkAG" + random.string(length: 70, alphabet: Alphabet.alphanumeric) + "=",
            calendarID: calendar.id, fields: input.fields, changeKey: newChangeKey(), revision: revision,
            created: clock.now, lastModified: clock.now, transactionID: transactionID, start: start, end: end)
        for (id, value) in input.properties { event.extendedProperties[id.lowercased()] = (id, value) }
        event.history.append((revision, start, end))
        graphEvents[calendar.id, default: [:]][event.id] = event
        if let transactionKey { graphTransactions[transactionKey] = event.id }
        graphEventChanged(event, changeType: .created)
        return event
    }

    /// Patches an event, honouring `If-Match`.
    func graphUpdate(_ current: GraphEvent, body: [String: JSONValue], ifMatch: String?) throws -> GraphEvent {
        try checkGraphIfMatch(ifMatch, current)
        let input = try graphInput(body)
        var event = current
        event.isOccurrence = false
        event.fields = JSONValue.object(event.fields).merging(.object(input.fields)).objectValue ?? event.fields
        event.start = input.start ?? event.start
        event.end = input.end ?? event.end
        guard event.start <= event.end else { throw GraphError.invalidRequest("The end time must be after the start time.") }
        for (id, value) in input.properties { event.extendedProperties[id.lowercased()] = (id, value) }
        event.changeKey = newChangeKey()
        event.revision = nextRevision()
        event.lastModified = clock.now
        event.history.append((event.revision, event.start, event.end))
        graphEvents[event.calendarID]?[event.id] = event
        graphEventChanged(event, changeType: .updated)
        return event
    }

    /// Deletes an event, honouring `If-Match`; delta reports it as `@removed` `deleted`. A deleted
    /// occurrence stays deleted under its id; deleting a series deletes its exceptions too.
    func graphDelete(_ current: GraphEvent, ifMatch: String?) throws {
        try checkGraphIfMatch(ifMatch, current)
        var event = current
        event.isOccurrence = false
        event.isDeleted = true
        event.revision = nextRevision()
        event.lastModified = clock.now
        graphEvents[event.calendarID]?[event.id] = event
        if event.fields["recurrence"] != nil {
            for exception in (graphEvents[event.calendarID] ?? [:]).values
            where !exception.isDeleted && exception.fields["seriesMasterId"]?.stringValue == event.id {
                var deleted = exception
                deleted.isDeleted = true
                deleted.revision = event.revision
                deleted.lastModified = clock.now
                graphEvents[event.calendarID]?[exception.id] = deleted
            }
        }
        graphEventChanged(event, changeType: .deleted)
    }

    private func checkGraphIfMatch(_ ifMatch: String?, _ event: GraphEvent) throws {
        guard let ifMatch, ifMatch != "*" else { return }
        if ifMatch != event.etag && ifMatch != event.changeKey && ifMatch != "\"\(event.changeKey)\"" {
            throw GraphError.conflict
        }
    }

    private func newChangeKey() -> String {
        "DwAAABYAAAA" + random.string(length: 17, alphabet: Alphabet.alphanumeric)
    }

    /// Records a change on a calendar and queues notifications for matching subscriptions.
    func graphEventChanged(_ event: GraphEvent, changeType: GraphChangeType) {
        let key = CalendarKey(vendor: .microsoft, id: event.calendarID)
        directory.calendars[key]?.lastRevision = event.revision
        for subscription in subscriptions.values.sorted(by: { $0.id < $1.id })
        where subscription.calendarID == event.calendarID && subscription.isLive(at: clock.now)
            && subscription.changeTypes.contains(changeType)
        {
            guard let url = URL(string: subscription.notificationURL) else { continue }
            let resource = "Users/\(subscription.userID)/Events/\(event.id)"
            let notification: JSONValue = [
                "id": .string(random.uuid()),
                "subscriptionId": .string(subscription.id),
                "subscriptionExpirationDateTime": .string(DateFormats.graphTimestamp(subscription.expiration)),
                "clientState": subscription.clientState.map(JSONValue.string) ?? .null,
                "changeType": .string(changeType.rawValue),
                "resource": .string(resource),
                "tenantId": .string(Self.graphTenantID),
                "resourceData": [
                    "@odata.type": "#Microsoft.Graph.Event", "@odata.id": .string(resource),
                    "@odata.etag": .string(event.etag), "id": .string(event.id),
                ],
            ]
            outbox.enqueue(
                OutboundMessage(
                    kind: .graphNotification, url: url, headers: [("Content-Type", "application/json; charset=utf-8")],
                    body: JSONValue.object(["value": [notification]]).serialized(), detail: changeType.rawValue))
        }
    }

    /// Lists live events, `$top`/`$skip` paged, with the extended-property `$filter`.
    private func graphListEvents(calendar: CalendarRecord, request: EmulatorRequest, origin: String) throws -> EmulatorResponse {
        var events = (graphEvents[calendar.id] ?? [:]).values.filter { !$0.isDeleted }
        if let filter = request.queryValue("$filter") {
            guard let condition = Self.extendedPropertyFilter(filter) else {
                throw GraphError(status: 400, code: "ErrorInvalidUrlQueryFilter", message: "The query filter contains one or more invalid nodes.")
            }
            events = events.filter { $0.extendedProperties[condition.id.lowercased()]?.value == condition.value }
        }
        events.sort { ($0.start, $0.id) < ($1.start, $1.id) }
        let top = min(max(Int(request.queryValue("$top") ?? "") ?? 10, 1), 1000)
        let skip = max(Int(request.queryValue("$skip") ?? "") ?? 0, 0)
        let page = events.dropFirst(skip).prefix(top)
        let expand = Self.expandedPropertyIDs(request)
        var body: [String: JSONValue] = [
            "@odata.context": .string("\(origin)/graph/v1.0/$metadata#users('\(calendar.ownerID)')/events"),
            "value": .array(page.map { $0.resource(userID: calendar.ownerID, expanding: expand) }),
        ]
        if skip + top < events.count {
            let items = request.query.filter { $0.name != "$skip" } + [("$skip", String(skip + top))]
            body["@odata.nextLink"] = .string("\(origin)\(request.path)?\(QueryString.make(items.map { ($0.name, $0.value) }))")
        }
        return .json(200, .object(body))
    }

    /// Parses `singleValueExtendedProperties/any(ep: ep/id eq '…' and ep/value eq '…')`.
    static func extendedPropertyFilter(_ text: String) -> (id: String, value: String)? {
        let pattern = #"^\s*singleValueExtendedProperties/any\(\s*(\w+)\s*:\s*\1/id\s+eq\s+'((?:[^']|'')*)'\s+and\s+\1/value\s+eq\s+'((?:[^']|'')*)'\s*\)\s*$"#
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]),
            let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
            let idRange = Range(match.range(at: 2), in: text), let valueRange = Range(match.range(at: 3), in: text)
        else { return nil }
        let unquote = { (s: Substring) in s.replacingOccurrences(of: "''", with: "'") }
        return (unquote(text[idRange]), unquote(text[valueRange]))
    }

    /// The property ids named by `$expand=singleValueExtendedProperties($filter=id eq '…')`;
    /// `nil` when the request does not expand them.
    static func expandedPropertyIDs(_ request: EmulatorRequest) -> [String]? {
        guard let expand = request.queryValue("$expand"), expand.hasPrefix("singleValueExtendedProperties") else { return nil }
        let pattern = #"id\s+eq\s+'((?:[^']|'')*)'"#
        guard let regex = try? NSRegularExpression(pattern: pattern, options: [.caseInsensitive]) else { return [] }
        if !expand.contains("(") { return ["*"] }
        return regex.matches(in: expand, range: NSRange(expand.startIndex..., in: expand)).compactMap { match in
            Range(match.range(at: 1), in: expand).map { expand[$0].replacingOccurrences(of: "''", with: "'") }
        }
    }
}
