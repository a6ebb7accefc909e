import Foundation

extension Emulator {
    /// Handles `/_control/...`.
    func handleControl(_ endpoint: ControlEndpoint, request: EmulatorRequest, origin: String) async throws -> EmulatorResponse {
        let body = request.jsonBody ?? [:]
        switch endpoint {
        case .health:
            return .json(200, ["status": "ok"])
        case .seed:
            try seed(try decode(EmulatorFixture.self, request))
            return .json(200, summary())
        case .reset:
            resetAll()
            return .json(200, ["status": "reset"])
        case .configuration:
            if request.method == "POST" {
                let merged = JSONValue.parse((try? JSONEncoder().encode(configuration)) ?? Data())?.merging(body) ?? body
                configuration = try JSONDecoder().decode(EmulatorConfiguration.self, from: merged.serialized())
            }
            return .json(200, JSONValue.parse((try? JSONEncoder().encode(configuration)) ?? Data()) ?? .null)
        case .addApp:
            addApp(try decode(OAuthAppFixture.self, request))
            return .json(201, summary())
        case .addAccount:
            try addAccount(try decode(AccountFixture.self, request))
            return .json(201, summary())
        case .addCalendar:
            let vendor = try vendorField(body)
            guard let email = body["email"]?.stringValue, let account = directory.account(vendor: vendor, email: email),
                let calendarBody = body["calendar"]
            else { throw badControl("expected {vendor, email, calendar} for a seeded account") }
            let calendar: CalendarFixture
            do {
                calendar = try JSONDecoder().decode(CalendarFixture.self, from: calendarBody.serialized())
            } catch {
                throw badControl("invalid calendar: \(error)")
            }
            let hasCalendars = directory.defaultCalendar(of: account.id) != nil
            let id = try addCalendar(calendar, to: account, isDefault: calendar.isDefault ?? !hasCalendars)
            return .json(201, ["id": .string(id)])
        case .setConsent:
            let vendor = try vendorField(body)
            guard let email = body["email"]?.stringValue, let account = directory.account(vendor: vendor, email: email),
                let decision = body["decision"]?.stringValue.flatMap(ConsentDecision.init(rawValue:))
            else { throw badControl("expected {vendor, email, decision: grant|deny} for a seeded account") }
            directory.accounts[account.id]?.consent = decision
            return .json(200, ["email": .string(email), "decision": .string(decision.rawValue)])
        case .revokeGrants:
            let vendor = try body["vendor"].map { _ in try vendorField(body) }
            let accountID = try body["email"]?.stringValue.map { email in
                guard let account = directory.accounts.values.first(where: { $0.email.lowercased() == email.lowercased() && (vendor == nil || $0.vendor == vendor) })
                else { throw badControl("unknown account \(email)") }
                return account.id
            }
            let reason = body["reason"]?.stringValue.flatMap(GrantRevocation.init(rawValue:)) ?? .revoked
            let count = revokeGrants(vendor: vendor, accountID: accountID, clientID: body["clientId"]?.stringValue, reason: reason)
            return .json(200, ["revoked": .int(count)])
        case .issueToken:
            let vendor = try vendorField(body)
            guard let email = body["email"]?.stringValue, let account = directory.account(vendor: vendor, email: email) else {
                throw badControl("expected {vendor, email} for a seeded account")
            }
            let scopes = body["scopes"]?.arrayValue?.compactMap(\.stringValue) ?? []
            let issued = issueTokens(
                vendor: vendor, clientID: body["clientId"]?.stringValue ?? "control", accountID: account.id, scopes: scopes,
                withRefreshToken: true)
            return .json(200, [
                "access_token": .string(issued.accessToken), "refresh_token": .string(issued.refreshToken ?? ""),
                "expires_in": .int(configuration.accessTokenLifetime), "token_type": "Bearer",
            ])
        case .clock:
            return clockResponse()
        case .advanceClock:
            guard let seconds = body["seconds"].flatMap(Self.number) else { throw badControl("expected {seconds}") }
            clock.advance(by: seconds)
            return clockResponse()
        case .setClock:
            guard let text = body["now"]?.stringValue, let date = DateFormats.parseRFC3339(text) else {
                throw badControl("expected {now: RFC 3339}")
            }
            clock.set(to: date)
            return clockResponse()
        case .requests:
            return .json(200, try encodeJSON(requestLogSnapshot()))
        case .resetRequests:
            requestLog = []
            return .empty(204)
        case .deliveries:
            return .json(200, ["deliveries": try encodeJSON(deliveries)])
        case .resetDeliveries:
            deliveries = []
            return .empty(204)
        case .faults:
            return .json(200, ["faults": try encodeJSON(faults)])
        case .addFault:
            var rule = try decode(FaultRule.self, request)
            guard rule.status != nil || rule.drop != nil || rule.delayMilliseconds != nil else {
                throw badControl("a fault needs status, drop or delayMilliseconds")
            }
            rule.id = "fault-\(random.string(length: 8, alphabet: Alphabet.base32hex))"
            faults.append(rule)
            return .json(201, try encodeJSON(rule))
        case .clearFaults:
            faults = []
            return .empty(204)
        case .removeFault(let id):
            faults.removeAll { $0.id == id }
            return .empty(204)
        case .listEvents(let vendor, let calendarID):
            return .json(200, ["items": .array(try rawEvents(vendor: vendor, calendarID: calendarID))])
        case .createEvent(let vendor, let calendarID):
            return .json(201, try createEventAsUser(vendor: vendor, calendarID: calendarID, body: body))
        case .updateEvent(let vendor, let calendarID, let eventID):
            return .json(200, try updateEventAsUser(vendor: vendor, calendarID: calendarID, eventID: eventID, body: body))
        case .deleteEvent(let vendor, let calendarID, let eventID):
            try deleteEventAsUser(vendor: vendor, calendarID: calendarID, eventID: eventID)
            return .empty(204)
        case .invalidateSyncTokens(let calendarID):
            try invalidateCursors(CalendarKey(vendor: .google, id: calendarID))
            return .empty(204)
        case .invalidateDelta(let calendarID):
            try invalidateCursors(CalendarKey(vendor: .microsoft, id: calendarID))
            return .empty(204)
        case .channels:
            let values: [JSONValue] = channels.values.sorted { $0.id < $1.id }.map { channel in
                [
                    "id": .string(channel.id), "resourceId": .string(channel.resourceID),
                    "calendarId": .string(channel.calendarID), "address": .string(channel.address),
                    "expiration": .string(DateFormats.rfc3339(channel.expiration)),
                    "live": .bool(channel.isLive(at: clock.now)), "messageNumber": .int(channel.messageNumber),
                ]
            }
            return .json(200, ["channels": .array(values)])
        case .expireChannel(let id):
            guard channels[id] != nil else { throw PlainError(response: .json(404, ["error": "unknown channel"])) }
            channels[id]?.expiration = clock.now
            return .empty(204)
        case .subscriptions:
            let values: [JSONValue] = subscriptions.values.sorted { $0.id < $1.id }.map { subscription in
                var object = subscription.resource(baseURL: origin).objectValue ?? [:]
                object["live"] = .bool(subscription.isLive(at: clock.now))
                return .object(object)
            }
            return .json(200, ["subscriptions": .array(values)])
        case .expireSubscription(let id):
            guard subscriptions[id] != nil else { throw PlainError(response: .json(404, ["error": "unknown subscription"])) }
            subscriptions[id]?.expiration = clock.now
            return .empty(204)
        case .lifecycle(let id):
            guard let event = body["lifecycleEvent"]?.stringValue.flatMap(LifecycleEvent.init(rawValue:)) else {
                throw badControl("lifecycleEvent must be reauthorizationRequired, subscriptionRemoved or missed")
            }
            try sendLifecycleNotification(subscriptionID: id, event: event)
            return .empty(202)
        }
    }

    private func updateEventAsUser(vendor: Vendor, calendarID: String, eventID: String, body: JSONValue) throws -> JSONValue {
        let calendar = try controlCalendar(vendor, calendarID)
        switch vendor {
        case .google:
            let fields = (body.objectValue ?? [:]).filter { !GoogleEvent.serverManagedKeys.contains($0.key) }
            let event = try googleModify(calendar: calendar, eventID: eventID, body: fields, replace: false, ifMatch: nil)
            return rawGoogle(event, calendar: calendar, ownerEmail: directory.accounts[calendar.ownerID]?.email ?? "")
        case .microsoft:
            guard let event = graphLiveEvent(eventID, in: calendar) else { throw GraphError.itemNotFound }
            return rawGraph(try graphUpdate(event, body: body.objectValue ?? [:], ifMatch: nil))
        }
    }

    private func deleteEventAsUser(vendor: Vendor, calendarID: String, eventID: String) throws {
        let calendar = try controlCalendar(vendor, calendarID)
        switch vendor {
        case .google:
            try googleDelete(calendar: calendar, eventID: eventID, ifMatch: nil)
        case .microsoft:
            guard let event = graphLiveEvent(eventID, in: calendar) else { throw GraphError.itemNotFound }
            try graphDelete(event, ifMatch: nil)
        }
    }

    /// A live stored event, or an occurrence of a live series, by id.
    private func graphLiveEvent(_ id: String, in calendar: CalendarRecord) -> GraphEvent? {
        if let event = graphEvents[calendar.id]?[id] { return event.isDeleted ? nil : event }
        return graphOccurrence(id, in: calendar)
    }

    private func rawEvents(vendor: Vendor, calendarID: String) throws -> [JSONValue] {
        let calendar = try controlCalendar(vendor, calendarID)
        switch vendor {
        case .google:
            let owner = directory.accounts[calendar.ownerID]?.email ?? ""
            return (googleEvents[calendarID] ?? [:]).values.sorted { $0.id < $1.id }
                .map { rawGoogle($0, calendar: calendar, ownerEmail: owner) }
        case .microsoft:
            return (graphEvents[calendarID] ?? [:]).values.sorted { $0.id < $1.id }.map(rawGraph)
        }
    }

    private func controlCalendar(_ vendor: Vendor, _ calendarID: String) throws -> CalendarRecord {
        guard let calendar = directory.calendars[CalendarKey(vendor: vendor, id: calendarID)] else {
            throw PlainError(response: .json(404, ["error": .string("unknown \(vendor.rawValue) calendar \(calendarID)")]))
        }
        return calendar
    }

    private func invalidateCursors(_ key: CalendarKey) throws {
        guard directory.calendars[key] != nil else {
            throw PlainError(response: .json(404, ["error": .string("unknown \(key.vendor.rawValue) calendar \(key.id)")]))
        }
        directory.calendars[key]?.cursorGeneration += 1
    }

    private func clockResponse() -> EmulatorResponse {
        .json(200, ["now": .string(DateFormats.rfc3339(clock.now)), "epochMilliseconds": .int(Int((clock.now.timeIntervalSince1970 * 1000).rounded()))])
    }

    /// The request log grouped per route.
    func requestLogSnapshot() -> RequestLogSnapshot {
        var counts: [String: RouteCount] = [:]
        for entry in requestLog {
            counts["\(entry.method) \(entry.route)", default: RouteCount(method: entry.method, route: entry.route, count: 0)].count += 1
        }
        return RequestLogSnapshot(
            total: requestLog.count, routes: counts.values.sorted { ($0.route, $0.method) < ($1.route, $1.method) },
            entries: requestLog)
    }

    private func summary() -> JSONValue {
        let accounts: [JSONValue] = directory.accountOrder.compactMap { directory.accounts[$0] }.map { account in
            [
                "vendor": .string(account.vendor.rawValue), "id": .string(account.id), "email": .string(account.email),
                "calendars": .array(directory.calendars(ownedBy: account.id).map { calendar in
                    ["id": .string(calendar.id), "name": .string(calendar.name), "isDefault": .bool(calendar.isDefault)]
                }),
            ]
        }
        return ["apps": .int(directory.apps.count), "accounts": .array(accounts)]
    }

    private func decode<T: Decodable>(_ type: T.Type, _ request: EmulatorRequest) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: request.body)
        } catch {
            throw badControl("invalid \(type) body: \(error)")
        }
    }

    private func encodeJSON<T: Encodable>(_ value: T) throws -> JSONValue {
        JSONValue.parse(try JSONEncoder().encode(value)) ?? .null
    }

    private func vendorField(_ body: JSONValue) throws -> Vendor {
        guard let vendor = body["vendor"]?.stringValue.flatMap(Vendor.init(rawValue:)) else {
            throw badControl("expected vendor: google or microsoft")
        }
        return vendor
    }

    private func badControl(_ message: String) -> PlainError {
        PlainError(response: .json(400, ["error": .string(message)]))
    }

    private static func number(_ value: JSONValue) -> Double? {
        switch value {
        case .int(let int): return Double(int)
        case .double(let double): return double
        default: return nil
        }
    }
}
