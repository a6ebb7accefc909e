/// Where a request goes, with its path parameters.
enum Endpoint: Sendable {
    case googleAuthorize, googleToken, googleRevoke
    case googleCalendarList
    case googleCalendar(calendar: String)
    case googleListEvents(calendar: String)
    case googleInsertEvent(calendar: String)
    case googleWatchEvents(calendar: String)
    case googleGetEvent(calendar: String, event: String)
    case googlePatchEvent(calendar: String, event: String)
    case googleUpdateEvent(calendar: String, event: String)
    case googleDeleteEvent(calendar: String, event: String)
    case googleStopChannel
    case microsoftAuthorize(tenant: String)
    case microsoftToken(tenant: String)
    case graph(user: GraphUserRef, GraphEndpoint)
    case graphBatch
    case graphCreateSubscription, graphListSubscriptions
    case graphGetSubscription(id: String)
    case graphRenewSubscription(id: String)
    case graphDeleteSubscription(id: String)
    case graphReauthorizeSubscription(id: String)
    case control(ControlEndpoint)
}

/// `/me` or `/users/{id}`.
enum GraphUserRef: Sendable {
    case me
    case user(String)
}

/// Which calendar an events path names.
enum GraphCalendarSelector: Sendable {
    /// `/events` (the mailbox's default calendar) or `/calendar/events`.
    case defaultCalendar
    /// `/calendars/{id}/...`.
    case calendar(String)
}

/// Graph endpoints under a user.
enum GraphEndpoint: Sendable {
    case user
    case defaultCalendar
    case calendars
    case calendar(String)
    case listEvents(GraphCalendarSelector)
    case createEvent(GraphCalendarSelector)
    case getEvent(GraphCalendarSelector, String)
    case updateEvent(GraphCalendarSelector, String)
    case deleteEvent(GraphCalendarSelector, String)
    case delta(GraphCalendarSelector)
}

/// The control API's endpoints.
enum ControlEndpoint: Sendable {
    case health, seed, reset, configuration
    case addApp, addAccount, addCalendar
    case setConsent
    case revokeGrants
    case issueToken
    case clock, advanceClock, setClock
    case requests, resetRequests
    case deliveries, resetDeliveries
    case faults, addFault, clearFaults
    case removeFault(String)
    case listEvents(Vendor, String)
    case createEvent(Vendor, String)
    case updateEvent(Vendor, String, String)
    case deleteEvent(Vendor, String, String)
    case invalidateSyncTokens(String)
    case invalidateDelta(String)
    case channels
    case expireChannel(String)
    case subscriptions
    case expireSubscription(String)
    case lifecycle(String)
}

/// A resolved route: its template (for logs, counts and fault matching) and endpoint.
struct RouteMatch: Sendable {
    let template: String
    let endpoint: Endpoint
}

/// Maps method + path to a ``RouteMatch`` using route tables.
///
/// A route pattern is a path whose `{name}` segments capture one segment each; the route's
/// template is its prefix plus the pattern, as logged and as fault rules name it.
enum Router {
    /// One route: method, pattern under the area's prefix, and how to build the endpoint from captures.
    private struct Entry {
        let method: String
        let pattern: [String]
        let template: String
        let build: @Sendable ([String]) -> Endpoint?
        init(_ method: String, _ prefix: String, _ pattern: String, _ build: @escaping @Sendable ([String]) -> Endpoint?) {
            self.method = method
            self.pattern = pattern.split(separator: "/").map(String.init)
            self.template = prefix + "/" + pattern
            self.build = build
        }
    }

    private static let table: [Entry] = googleRoutes + loginRoutes + graphRoutes + controlRoutes

    static func match(method: String, segments: [String]) -> RouteMatch? {
        for entry in table where entry.method == method && entry.pattern.count == segments.count {
            var captures: [String] = []
            var matched = true
            for (part, segment) in zip(entry.pattern, segments) {
                if part.hasPrefix("{") {
                    captures.append(segment)
                } else if part != segment {
                    matched = false
                    break
                }
            }
            if matched, let endpoint = entry.build(captures) {
                return RouteMatch(template: entry.template, endpoint: endpoint)
            }
        }
        return nil
    }

    private static let googleRoutes: [Entry] = {
                let api = "google/calendar/v3"
                return [
            Entry("GET", "", "google/o/oauth2/v2/auth") { _ in .googleAuthorize },
            Entry("POST", "", "google/token") { _ in .googleToken },
            Entry("POST", "", "google/revoke") { _ in .googleRevoke },
            Entry("GET", "", "google/revoke") { _ in .googleRevoke },
            Entry("GET", "", api + "/users/me/calendarList") { _ in .googleCalendarList },
            Entry("POST", "", api + "/channels/stop") { _ in .googleStopChannel },
            Entry("GET", "", api + "/calendars/{calendarId}") { .googleCalendar(calendar: $0[0]) },
            Entry("GET", "", api + "/calendars/{calendarId}/events") { .googleListEvents(calendar: $0[0]) },
            Entry("POST", "", api + "/calendars/{calendarId}/events") { .googleInsertEvent(calendar: $0[0]) },
            Entry("POST", "", api + "/calendars/{calendarId}/events/watch") { .googleWatchEvents(calendar: $0[0]) },
            Entry("GET", "", api + "/calendars/{calendarId}/events/{eventId}") { .googleGetEvent(calendar: $0[0], event: $0[1]) },
            Entry("PATCH", "", api + "/calendars/{calendarId}/events/{eventId}") { .googlePatchEvent(calendar: $0[0], event: $0[1]) },
            Entry("PUT", "", api + "/calendars/{calendarId}/events/{eventId}") { .googleUpdateEvent(calendar: $0[0], event: $0[1]) },
            Entry("DELETE", "", api + "/calendars/{calendarId}/events/{eventId}") { .googleDeleteEvent(calendar: $0[0], event: $0[1]) },
        ]
    }()

    private static let loginRoutes: [Entry] = [
        Entry("GET", "", "microsoft-login/{tenant}/oauth2/v2.0/authorize") { .microsoftAuthorize(tenant: $0[0]) },
        Entry("POST", "", "microsoft-login/{tenant}/oauth2/v2.0/token") { .microsoftToken(tenant: $0[0]) },
    ]

    private static let graphRoutes: [Entry] = {
        let v = "graph/v1.0"
        var entries: [Entry] = [
            Entry("POST", "", v + "/$batch") { _ in .graphBatch },
            Entry("POST", "", v + "/subscriptions") { _ in .graphCreateSubscription },
            Entry("GET", "", v + "/subscriptions") { _ in .graphListSubscriptions },
            Entry("GET", "", v + "/subscriptions/{id}") { .graphGetSubscription(id: $0[0]) },
            Entry("PATCH", "", v + "/subscriptions/{id}") { .graphRenewSubscription(id: $0[0]) },
            Entry("DELETE", "", v + "/subscriptions/{id}") { .graphDeleteSubscription(id: $0[0]) },
            Entry("POST", "", v + "/subscriptions/{id}/reauthorize") { .graphReauthorizeSubscription(id: $0[0]) },
        ]
        typealias Build = @Sendable ([String]) -> GraphEndpoint
        let userRoutes: [(String, String, Build)] = [
            ("GET", "", { _ in .user }),
            ("GET", "/calendar", { _ in .defaultCalendar }),
            ("GET", "/calendars", { _ in .calendars }),
            ("GET", "/calendars/{calendarId}", { .calendar($0[0]) }),
            ("GET", "/events", { _ in .listEvents(.defaultCalendar) }),
            ("POST", "/events", { _ in .createEvent(.defaultCalendar) }),
            ("GET", "/events/{eventId}", { .getEvent(.defaultCalendar, $0[0]) }),
            ("PATCH", "/events/{eventId}", { .updateEvent(.defaultCalendar, $0[0]) }),
            ("DELETE", "/events/{eventId}", { .deleteEvent(.defaultCalendar, $0[0]) }),
            ("GET", "/calendar/events", { _ in .listEvents(.defaultCalendar) }),
            ("POST", "/calendar/events", { _ in .createEvent(.defaultCalendar) }),
            ("GET", "/calendar/events/{eventId}", { .getEvent(.defaultCalendar, $0[0]) }),
            ("PATCH", "/calendar/events/{eventId}", { .updateEvent(.defaultCalendar, $0[0]) }),
            ("DELETE", "/calendar/events/{eventId}", { .deleteEvent(.defaultCalendar, $0[0]) }),
            ("GET", "/calendars/{calendarId}/events", { .listEvents(.calendar($0[0])) }),
            ("POST", "/calendars/{calendarId}/events", { .createEvent(.calendar($0[0])) }),
            ("GET", "/calendars/{calendarId}/events/{eventId}", { .getEvent(.calendar($0[0]), $0[1]) }),
            ("PATCH", "/calendars/{calendarId}/events/{eventId}", { .updateEvent(.calendar($0[0]), $0[1]) }),
            ("DELETE", "/calendars/{calendarId}/events/{eventId}", { .deleteEvent(.calendar($0[0]), $0[1]) }),
            ("GET", "/calendarView/delta", { _ in .delta(.defaultCalendar) }),
            ("GET", "/calendars/{calendarId}/calendarView/delta", { .delta(.calendar($0[0])) }),
        ]
        for (method, suffix, build) in userRoutes {
            entries.append(Entry(method, "", v + "/me" + suffix) { .graph(user: .me, build($0)) })
            entries.append(Entry(method, "", v + "/users/{userId}" + suffix) { .graph(user: .user($0[0]), build(Array($0.dropFirst()))) })
        }
        return entries
    }()

    private static let controlRoutes: [Entry] = {
        let c = "_control"
        func e(_ method: String, _ pattern: String, _ build: @escaping @Sendable ([String]) -> ControlEndpoint?) -> Entry {
            Entry(method, "", c + pattern) { captures in build(captures).map(Endpoint.control) }
        }
        return [
            e("GET", "/health") { _ in .health },
            e("POST", "/seed") { _ in .seed },
            e("POST", "/reset") { _ in .reset },
            e("GET", "/config") { _ in .configuration },
            e("POST", "/config") { _ in .configuration },
            e("POST", "/apps") { _ in .addApp },
            e("POST", "/accounts") { _ in .addAccount },
            e("POST", "/calendars") { _ in .addCalendar },
            e("POST", "/oauth/consent") { _ in .setConsent },
            e("POST", "/oauth/revoke") { _ in .revokeGrants },
            e("POST", "/oauth/tokens") { _ in .issueToken },
            e("GET", "/clock") { _ in .clock },
            e("POST", "/clock/advance") { _ in .advanceClock },
            e("POST", "/clock/set") { _ in .setClock },
            e("GET", "/requests") { _ in .requests },
            e("DELETE", "/requests") { _ in .resetRequests },
            e("GET", "/deliveries") { _ in .deliveries },
            e("DELETE", "/deliveries") { _ in .resetDeliveries },
            e("GET", "/faults") { _ in .faults },
            e("POST", "/faults") { _ in .addFault },
            e("DELETE", "/faults") { _ in .clearFaults },
            e("DELETE", "/faults/{id}") { .removeFault($0[0]) },
            e("GET", "/google/channels") { _ in .channels },
            e("POST", "/google/channels/{id}/expire") { .expireChannel($0[0]) },
            e("POST", "/google/calendars/{calendarId}/sync-tokens/invalidate") { .invalidateSyncTokens($0[0]) },
            e("POST", "/graph/calendars/{calendarId}/delta/invalidate") { .invalidateDelta($0[0]) },
            e("GET", "/graph/subscriptions") { _ in .subscriptions },
            e("POST", "/graph/subscriptions/{id}/expire") { .expireSubscription($0[0]) },
            e("POST", "/graph/subscriptions/{id}/lifecycle") { .lifecycle($0[0]) },
            e("GET", "/{vendor}/calendars/{calendarId}/events") { c in Vendor(rawValue: c[0]).map { .listEvents($0, c[1]) } },
            e("POST", "/{vendor}/calendars/{calendarId}/events") { c in Vendor(rawValue: c[0]).map { .createEvent($0, c[1]) } },
            e("PATCH", "/{vendor}/calendars/{calendarId}/events/{eventId}") { c in Vendor(rawValue: c[0]).map { .updateEvent($0, c[1], c[2]) } },
            e("DELETE", "/{vendor}/calendars/{calendarId}/events/{eventId}") { c in Vendor(rawValue: c[0]).map { .deleteEvent($0, c[1], c[2]) } },
        ]
    }()
}
