import Foundation

extension Emulator {
    /// `POST /subscriptions`: validates, runs the handshake on each URL, then creates.
    func createSubscription(_ request: EmulatorRequest, origin: String) async throws -> EmulatorResponse {
        let account = try graphAccount(user: .me, request: request)
        guard let body = request.jsonBody?.objectValue else { throw GraphError.invalidRequest("Empty Payload. JSON content expected.") }
        let changeTypes = (body["changeType"]?.stringValue ?? "").split(separator: ",").map {
            GraphChangeType(rawValue: $0.trimmingCharacters(in: .whitespaces))
        }
        guard !changeTypes.isEmpty, changeTypes.allSatisfy({ $0 != nil }) else {
            throw GraphError(status: 400, code: "InvalidRequest", message: "Invalid 'changeType' attribute.")
        }
        guard let notificationURL = body["notificationUrl"]?.stringValue, let notificationTarget = URL(string: notificationURL),
            ["http", "https"].contains(notificationTarget.scheme ?? "")
        else { throw GraphError(status: 400, code: "InvalidRequest", message: "Invalid 'notificationUrl' attribute.") }
        let lifecycleURL = body["lifecycleNotificationUrl"]?.stringValue
        if let lifecycleURL, URL(string: lifecycleURL)?.host == nil {
            throw GraphError(status: 400, code: "InvalidRequest", message: "Invalid 'lifecycleNotificationUrl' attribute.")
        }
        guard let resource = body["resource"]?.stringValue else {
            throw GraphError(status: 400, code: "InvalidRequest", message: "Missing 'resource' attribute.")
        }
        let calendar = try subscriptionCalendar(resource, account: account)
        let expiration = try subscriptionExpiration(body["expirationDateTime"])
        let clientState = body["clientState"]?.stringValue
        if let clientState, clientState.count > 128 {
            throw GraphError(status: 400, code: "InvalidRequest", message: "The 'clientState' attribute must be at most 128 characters.")
        }
        let active = subscriptions.values.filter { $0.userID == account.id && $0.isLive(at: clock.now) }.count
        guard active < 1000 else {
            throw GraphError(status: 403, code: "ExtensionError", message: "Operation: Create; Exception: [Status Code: Forbidden; Reason: The number of subscriptions has exceeded the limit.]")
        }
        for url in [notificationURL] + (lifecycleURL.map { [$0] } ?? []) {
            guard await passesValidation(url) else {
                throw GraphError(
                    status: 400, code: "InvalidRequest",
                    message: "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.")
            }
        }
        let subscription = GraphSubscription(
            id: random.uuid(), userID: account.id, calendarID: calendar.id, resource: resource, changeTypes: changeTypes.compactMap { $0 },
            notificationURL: notificationURL, lifecycleNotificationURL: lifecycleURL, clientState: clientState,
            applicationID: bearerGrant(request)?.clientID ?? "", expiration: expiration)
        subscriptions[subscription.id] = subscription
        return .json(201, subscription.resource(baseURL: origin))
    }

    /// GET, PATCH (renew), DELETE and reauthorize on one subscription.
    func handleSubscription(_ endpoint: Endpoint, request: EmulatorRequest, origin: String) throws -> EmulatorResponse {
        let account = try graphAccount(user: .me, request: request)
        func live(_ id: String) throws -> GraphSubscription {
            guard let subscription = subscriptions[id], subscription.userID == account.id, subscription.isLive(at: clock.now)
            else { throw GraphError.subscriptionNotFound }
            return subscription
        }
        switch endpoint {
        case .graphListSubscriptions:
            let values = subscriptions.values.filter { $0.userID == account.id && $0.isLive(at: clock.now) }
                .sorted { $0.id < $1.id }.map { $0.resource(baseURL: origin) }
            return .json(200, ["@odata.context": .string("\(origin)/graph/v1.0/$metadata#subscriptions"), "value": .array(values)])
        case .graphGetSubscription(let id):
            return .json(200, try live(id).resource(baseURL: origin))
        case .graphRenewSubscription(let id):
            var subscription = try live(id)
            guard let body = request.jsonBody?.objectValue else { throw GraphError.invalidRequest("Empty Payload. JSON content expected.") }
            subscription.expiration = try subscriptionExpiration(body["expirationDateTime"])
            subscriptions[id] = subscription
            return .json(200, subscription.resource(baseURL: origin))
        case .graphDeleteSubscription(let id):
            _ = try live(id)
            subscriptions[id]?.isRemoved = true
            return .empty(204)
        case .graphReauthorizeSubscription(let id):
            _ = try live(id)
            return .empty(204)
        default:
            throw GraphError.resourceNotFound
        }
    }

    /// The calendar a subscription `resource` names (`me/events`, `users/{id}/events`,
    /// `me/calendars/{id}/events`, …).
    private func subscriptionCalendar(_ resource: String, account: Account) throws -> CalendarRecord {
        let parts = resource.split(separator: "/").map(String.init)
        let unsupported = GraphError(status: 400, code: "InvalidRequest", message: "Resource '\(resource)' is not supported.")
        var rest: [String]
        if parts.first?.lowercased() == "me" {
            rest = Array(parts.dropFirst())
        } else if parts.first?.lowercased() == "users", parts.count >= 2 {
            guard let target = directory.account(vendor: .microsoft, idOrEmail: parts[1]), target.id == account.id else {
                throw GraphError.accessDenied
            }
            rest = Array(parts.dropFirst(2))
        } else {
            throw unsupported
        }
        rest = rest.map { $0.lowercased() == "events" ? "events" : $0 }
        switch rest.count {
        case 1 where rest[0] == "events":
            return try graphCalendar(.defaultCalendar, account: account)
        case 2 where rest[0].lowercased() == "calendar" && rest[1] == "events":
            return try graphCalendar(.defaultCalendar, account: account)
        case 3 where rest[0].lowercased() == "calendars" && rest[2] == "events":
            return try graphCalendar(.calendar(rest[1]), account: account)
        default:
            throw unsupported
        }
    }

    /// Reads and bounds `expirationDateTime`: in the future, within the maximum lifetime.
    private func subscriptionExpiration(_ value: JSONValue?) throws -> Date {
        guard let text = value?.stringValue, let date = DateFormats.parseRFC3339(text, defaultZone: TimeZone(secondsFromGMT: 0)) else {
            throw GraphError(status: 400, code: "InvalidRequest", message: "Invalid 'expirationDateTime' attribute.")
        }
        guard date > clock.now else {
            throw GraphError(status: 400, code: "InvalidRequest", message: "Subscription expiration must be in the future.")
        }
        let limit = configuration.subscriptionMaxLifetimeMinutes
        guard date <= clock.now.addingTimeInterval(TimeInterval(limit * 60)) else {
            throw GraphError(status: 400, code: "InvalidRequest", message: "Subscription expiration can only be \(limit) minutes in the future.")
        }
        return date
    }

    /// POSTs `?validationToken=` to `url`; passes on a 200 whose body is the token.
    private func passesValidation(_ url: String) async -> Bool {
        let token = "Validation: Testing client application reachability for subscription Request-Id: \(random.uuid())"
        let separator = url.contains("?") ? "&" : "?"
        guard let target = URL(string: url + separator + "validationToken=" + QueryString.encode(token)) else { return false }
        let result = await deliverer.post(
            url: target, headers: [("Content-Type", "text/plain; charset=utf-8")], body: Data(),
            timeout: configuration.validationTimeoutSeconds)
        recordDelivery(kind: .graphValidation, url: target, status: result?.status, detail: "validation")
        guard let result, result.status == 200 else { return false }
        return String(decoding: result.body, as: UTF8.self) == token
    }

    /// Queues a lifecycle notification; `subscriptionRemoved` also removes the subscription.
    func sendLifecycleNotification(subscriptionID: String, event: LifecycleEvent) throws {
        guard let subscription = subscriptions[subscriptionID], !subscription.isRemoved else {
            throw PlainError(response: .json(404, ["error": "unknown subscription"]))
        }
        guard let address = subscription.lifecycleNotificationURL, let url = URL(string: address) else {
            throw PlainError(response: .json(409, ["error": "the subscription has no lifecycleNotificationUrl"]))
        }
        let notification: JSONValue = [
            "subscriptionId": .string(subscription.id),
            "subscriptionExpirationDateTime": .string(DateFormats.graphTimestamp(subscription.expiration)),
            "tenantId": .string(Self.graphTenantID),
            "clientState": subscription.clientState.map(JSONValue.string) ?? .null,
            "lifecycleEvent": .string(event.rawValue),
        ]
        outbox.enqueue(
            OutboundMessage(
                kind: .graphLifecycle, url: url, headers: [("Content-Type", "application/json; charset=utf-8")],
                body: JSONValue.object(["value": [notification]]).serialized(), detail: event.rawValue))
        if event == .subscriptionRemoved { subscriptions[subscriptionID]?.isRemoved = true }
    }
}
