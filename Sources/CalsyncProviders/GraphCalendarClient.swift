import CalsyncModel
import Foundation

/// The Microsoft Graph calendar client of one mailbox, over `{graphBase}/v1.0`.
///
/// At most `maxConcurrentRequests` (4, Outlook's per-mailbox limit) requests are in flight per
/// `RequestGate`: clients of the same mailbox share one (`gate`). Every request carries `Authorization:
/// Bearer` from `AccessTokens` and is sent once more with a refreshed token after a 401. Retries of
/// 429 and 5xx answers belong to the transport (`RetryingTransport`).
///
/// calsync's stamp is the single-value extended property `stampPropertyID`; creates also carry
/// `transactionId` = the idempotency key, so a retried create makes one event, and the stamp can be
/// read back from calendarView delta, which cannot expand extended properties.
public struct GraphCalendarClient: CalendarClient {
    /// The id of the single-value extended property that carries the ownership stamp: a string property
    /// named `calsync` in calsync's own property set (a fixed GUID, never to change).
    public static let stampPropertyID = "String {2c6e1f0a-7b4d-4e59-9a3c-5d8f1b2e6a47} Name calsync"
    /// calendarView delta page size when none is given (`Prefer: odata.maxpagesize`).
    public static let defaultPageSize = 200
    /// Outlook's limit of concurrent requests per mailbox.
    public static let defaultMaxConcurrentRequests = 4
    /// Graph's limit of requests per `$batch`.
    public static let batchLimit = 20

    public var vendor: Vendor { .microsoft }

    let api: URL
    let http: AuthorizedTransport
    let gate: RequestGate
    let clock: any Clock<Duration>
    let timeSource: any TimeSource
    let pageSize: Int

    /// Creates a client.
    /// - Parameters:
    ///   - graphBaseURL: `https://graph.microsoft.com`, a national cloud, or the emulator's `/graph` base; `/v1.0` is appended.
    ///   - tokens: The mailbox's access tokens.
    ///   - transport: Where requests go; a `RetryingTransport` in production.
    ///   - clock: What waits for the `Retry-After` of a throttled `$batch` sub-request happen on.
    ///   - timeSource: The current instant, for a `Retry-After` given as an HTTP date.
    ///   - maxConcurrentRequests: Requests in flight at most, when no `gate` is given.
    ///   - gate: The slots this client's requests share with other clients of the same mailbox; a gate of
    ///     its own with `maxConcurrentRequests` slots when nil.
    ///   - pageSize: `odata.maxpagesize` of calendarView delta.
    public init(
        graphBaseURL: URL, tokens: AccessTokens, transport: any HTTPTransport, clock: any Clock<Duration>,
        timeSource: any TimeSource, maxConcurrentRequests: Int = defaultMaxConcurrentRequests, gate: RequestGate? = nil,
        pageSize: Int = defaultPageSize
    ) {
        self.api = graphBaseURL.appending(path: "v1.0")
        self.http = AuthorizedTransport(transport: transport, tokens: tokens)
        self.gate = gate ?? RequestGate(limit: maxConcurrentRequests)
        self.clock = clock
        self.timeSource = timeSource
        self.pageSize = max(1, pageSize)
    }

    // MARK: - Calendars

    /// `calendar` is the mailbox's default calendar (`/me/calendar`); anything else a calendar id.
    public func calendar(_ calendarId: String) async throws -> VendorCalendar {
        let response = try await send(HTTPRequest(method: "GET", url: VendorWire.url(api, Self.calendarPath(calendarId))))
        try Self.check(response)
        let calendar = try VendorWire.decode(GraphCalendarResource.self, from: response, what: "a Graph calendar")
        return VendorCalendar(id: calendar.id, name: calendar.name ?? calendar.id)
    }

    /// Path segments of a calendar: `me/calendar` for `calendar`, else `me/calendars/{id}`.
    static func calendarPath(_ calendarId: String) -> [String] {
        calendarId == "calendar" ? ["me", "calendar"] : ["me", "calendars", calendarId]
    }

    // MARK: - Reading changes

    /// One calendarView delta round, from `cursor` (a delta link) or, without one, for `window`.
    ///
    /// Every page is read, following `@odata.nextLink` until `@odata.deltaLink`, with
    /// `Prefer: odata.maxpagesize` and UTC times. `@removed` `deleted` is a deleted event, `@removed`
    /// `changed` and events outside `window` are `leftWindow`. An entity repeated within the round is
    /// reported once, as last seen.
    public func changes(calendarId: String, cursor: String?, window: DateInterval) async throws -> ChangeSet {
        var url: URL
        if let cursor {
            guard let link = URL(string: cursor), VendorWire.isSameOrigin(link, as: api) else {
                throw CalendarClientError.invalidArgument(
                    "the cursor of calendar \"\(calendarId)\" is not a delta link of \(api.host ?? "the Graph endpoint") (a cursor is the deltaLink of an earlier round at the same endpoint). Read again without a cursor.")
            }
            url = link
        } else {
            url = VendorWire.url(
                api, Self.deltaPath(calendarId),
                query: [("startDateTime", RFC3339.string(window.start)), ("endDateTime", RFC3339.string(window.end))])
        }
        var order: [String] = []
        var latest: [String: (event: VendorEvent?, leftWindow: Bool)] = [:]
        var visited: Set<String> = []
        while true {
            let response = try await send(HTTPRequest(method: "GET", url: url, headers: readHeaders))
            if response.status == 410 { throw CursorExpired(message: VendorError(response: response).message) }
            try Self.check(response)
            let page = try VendorWire.decode(GraphDeltaPage.self, from: response, what: "a Graph delta page")
            for item in page.value {
                if latest[item.id] == nil { order.append(item.id) }
                if let removed = item.removed {
                    latest[item.id] =
                        removed.reason == "changed" ? (nil, true) : (VendorEvent(id: item.id, isDeleted: true), false)
                    continue
                }
                let event = item.vendorEvent
                if event.isDeleted || VendorWire.overlaps(start: event.start, end: event.end, window: window) {
                    latest[item.id] = (event, false)
                } else {
                    latest[item.id] = (nil, true)
                }
            }
            if let next = page.nextLink {
                guard let link = URL(string: next), VendorWire.isSameOrigin(link, as: api), visited.insert(next).inserted
                else {
                    throw CalendarClientError.malformedResponse(
                        "Graph's next link for calendar \"\(calendarId)\" points elsewhere or repeats (the round would not end). Read again without a cursor.")
                }
                url = link
                continue
            }
            guard let deltaLink = page.deltaLink else {
                throw CalendarClientError.malformedResponse(
                    "Graph's last delta page of calendar \"\(calendarId)\" carries no deltaLink. Check the configured endpoint.")
            }
            let entries = order.compactMap { latest[$0] }
            return ChangeSet(
                events: entries.compactMap(\.event),
                leftWindow: zip(order, entries).filter { $0.1.leftWindow }.map(\.0),
                cursor: deltaLink, isFull: cursor == nil)
        }
    }

    /// Path segments of calendarView delta: the documented `me/calendarView/delta` for the default
    /// calendar, `me/calendars/{id}/calendarView/delta` for another.
    static func deltaPath(_ calendarId: String) -> [String] {
        calendarId == "calendar" ? ["me", "calendarView", "delta"] : ["me", "calendars", calendarId, "calendarView", "delta"]
    }

    /// `Prefer` of every read: the page size, UTC times and text bodies.
    var readHeaders: [String: String] {
        [
            "Prefer": "odata.maxpagesize=\(pageSize), outlook.timezone=\"UTC\", outlook.body-content-type=\"text\"",
            "Accept": "application/json",
        ]
    }

    // MARK: - Helpers

    static let jsonHeaders = ["Content-Type": "application/json", "Accept": "application/json"]

    /// Sends `request` once a slot is free.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        try await gate.run { try await http.send(request) }
    }

    /// Throws the `VendorError` of a non-2xx answer.
    static func check(_ response: HTTPResponse) throws {
        guard response.isSuccess else { throw VendorError(response: response) }
    }
}
