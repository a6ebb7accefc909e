import CalsyncModel
import Foundation

/// The Google Calendar v3 client of one authorized account, over `{apiBase}/calendar/v3`.
///
/// Every request carries `Authorization: Bearer` from `AccessTokens` and is sent once more with a
/// refreshed token after a 401. Retries of 429, 5xx and rate-limit 403 answers belong to the
/// transport (`RetryingTransport`): reads, `If-Match` writes and inserts (whose client-chosen event id
/// makes them idempotent) may be resent, nothing else.
public struct GoogleCalendarClient: CalendarClient {
    /// The private extended property that carries the ownership stamp.
    public static let stampProperty = "calsync"
    /// events.list page size when none is given: Google's maximum.
    public static let defaultPageSize = 2500
    /// Inserts one `createEvents` call keeps in flight at most when none is given.
    public static let defaultMaxConcurrentCreates = 4

    public var vendor: Vendor { .google }

    let api: URL
    let http: AuthorizedTransport
    let pageSize: Int
    let maxConcurrentCreates: Int

    /// Creates a client.
    /// - Parameters:
    ///   - apiBaseURL: `https://www.googleapis.com`, or the emulator's `/google` base; `/calendar/v3` is appended.
    ///   - tokens: The account's access tokens.
    ///   - transport: Where requests go; a `RetryingTransport` in production.
    ///   - pageSize: `maxResults` of every events.list request (1–2500).
    ///   - maxConcurrentCreates: Inserts one `createEvents` call keeps in flight at most.
    public init(
        apiBaseURL: URL, tokens: AccessTokens, transport: any HTTPTransport, pageSize: Int = defaultPageSize,
        maxConcurrentCreates: Int = defaultMaxConcurrentCreates
    ) {
        self.api = apiBaseURL.appending(path: "calendar/v3")
        self.http = AuthorizedTransport(transport: transport, tokens: tokens)
        self.pageSize = min(max(pageSize, 1), 2500)
        self.maxConcurrentCreates = max(1, maxConcurrentCreates)
    }

    // MARK: - Calendars

    public func calendar(_ calendarId: String) async throws -> VendorCalendar {
        let response = try await get(["calendars", calendarId])
        try Self.check(response)
        let calendar = try VendorWire.decode(GoogleCalendarResource.self, from: response, what: "a Google calendar")
        return VendorCalendar(id: calendar.id, name: calendar.summary ?? calendar.id, timeZone: calendar.timeZone)
    }

    // MARK: - Reading changes

    public func changes(calendarId: String, cursor: String?, window: DateInterval) async throws -> ChangeSet {
        // A sync token cannot be combined with timeMin/timeMax; every other parameter stays the same.
        var query = [("singleEvents", "true"), ("showDeleted", "true"), ("maxResults", String(pageSize))]
        if let cursor {
            query.append(("syncToken", cursor))
        } else {
            query += [("timeMin", RFC3339.string(window.start)), ("timeMax", RFC3339.string(window.end))]
        }
        var events: [VendorEvent] = []
        var leftWindow: [String] = []
        var pageToken: String?
        while true {
            let response = try await get(
                ["calendars", calendarId, "events"], query: query + (pageToken.map { [("pageToken", $0)] } ?? []))
            if response.status == 410 { throw CursorExpired(message: VendorError(response: response).message) }
            try Self.check(response)
            let page = try VendorWire.decode(GoogleEventsPage.self, from: response, what: "a Google events page")
            for item in page.items ?? [] {
                let event = item.vendorEvent(calendarZone: page.timeZone)
                // A full read is already bounded by timeMin/timeMax; an incremental one is filtered here.
                if cursor == nil || event.isDeleted
                    || VendorWire.overlaps(start: event.start, end: event.end, window: window)
                {
                    events.append(event)
                } else {
                    leftWindow.append(event.id)
                }
            }
            if let next = page.nextPageToken {
                guard next != pageToken else {
                    throw CalendarClientError.malformedResponse(
                        "Google repeated the page token of calendar \"\(calendarId)\" (the listing would never end). Read again without a cursor.")
                }
                pageToken = next
                continue
            }
            guard let syncToken = page.nextSyncToken else {
                throw CalendarClientError.malformedResponse(
                    "Google's last events page of calendar \"\(calendarId)\" carries no nextSyncToken. Check the configured endpoint.")
            }
            return ChangeSet(events: events, leftWindow: leftWindow, cursor: syncToken, isFull: cursor == nil)
        }
    }

    // MARK: - Events

    public func event(calendarId: String, id: String) async throws -> VendorEvent? {
        let response = try await get(["calendars", calendarId, "events", id])
        if response.status == 404 { return nil }
        try Self.check(response)
        return try VendorWire.decode(GoogleEventResource.self, from: response, what: "a Google event")
            .vendorEvent(calendarZone: nil)
    }

    public func event(calendarId: String, stampedWith stamp: OwnershipStamp) async throws -> VendorEvent? {
        let response = try await get(
            ["calendars", calendarId, "events"],
            query: [
                ("privateExtendedProperty", "\(Self.stampProperty)=\(stamp)"), ("showDeleted", "false"),
                ("maxResults", "10"),
            ])
        try Self.check(response)
        let page = try VendorWire.decode(GoogleEventsPage.self, from: response, what: "a Google events page")
        return page.items?.first.map { $0.vendorEvent(calendarZone: page.timeZone) }
    }

    /// Inserts the events, `maxConcurrentCreates` at a time (Google has no batch endpoint calsync uses);
    /// each result in the order of `drafts`. Throttled inserts are retried by the transport, each after
    /// its own backoff; an error that no create can get past (a refused grant) or the caller's
    /// cancellation ends the call.
    public func createEvents(calendarId: String, _ drafts: [(EventDraft, idempotencyKey: String)]) async throws
        -> [Result<VendorEvent, any Error>]
    {
        let gate = RequestGate(limit: maxConcurrentCreates)
        return try await withThrowingTaskGroup(of: (Int, Result<VendorEvent, any Error>).self) { group in
            for (index, (draft, key)) in drafts.enumerated() {
                group.addTask {
                    do {
                        let created = try await gate.run {
                            // A create that waited for its slot does not start once the call is cancelled.
                            try Task.checkCancellation()
                            return try await createEvent(calendarId: calendarId, draft, idempotencyKey: key)
                        }
                        return (index, .success(created))
                    } catch let error where CalendarClients.stopsBatch(error) {
                        throw error
                    } catch {
                        return (index, .failure(error))
                    }
                }
            }
            var results = [Result<VendorEvent, any Error>?](repeating: nil, count: drafts.count)
            for try await (index, result) in group { results[index] = result }
            return results.map { $0 ?? .failure(CancellationError()) }
        }
    }

    /// Inserts the event with id `idempotencyKey`; a 409 `duplicate` whose event carries the same stamp
    /// (an earlier attempt landed) returns that event.
    /// - Throws: `CalendarClientError.invalidArgument` when the key is not a Google event id (base32hex
    ///   `a`–`v`, `0`–`9`, 5–1024 characters); the 409 `VendorError` when the id belongs to another event
    ///   or to a deleted one.
    public func createEvent(calendarId: String, _ draft: EventDraft, idempotencyKey: String) async throws
        -> VendorEvent
    {
        guard Self.isValidEventID(idempotencyKey) else {
            throw CalendarClientError.invalidArgument(
                "the idempotency key \"\(idempotencyKey)\" is not a Google event id (Google accepts 5 to 1024 of the characters a-v and 0-9). Derive it with CalendarClients.idempotencyKey(vendor: .google, stamp:generation:).")
        }
        let request = HTTPRequest(
            method: "POST", url: VendorWire.url(api, ["calendars", calendarId, "events"]),
            headers: Self.jsonHeaders,
            body: VendorWire.body(GoogleEventResource.body(draft, id: idempotencyKey, isPatch: false)),
            idempotencyKey: idempotencyKey)
        let response = try await http.send(request)
        if response.status == 409 {
            let error = VendorError(response: response)
            if error.code == "duplicate", let existing = try await event(calendarId: calendarId, id: idempotencyKey),
                !existing.isDeleted, existing.stamp == draft.stamp
            {
                return existing
            }
            throw error
        }
        try Self.check(response)
        return try VendorWire.decode(GoogleEventResource.self, from: response, what: "a Google event")
            .vendorEvent(calendarZone: nil)
    }

    public func updateEvent(calendarId: String, id: String, _ draft: EventDraft, ifMatch: String?) async throws
        -> VendorEvent
    {
        var headers = Self.jsonHeaders
        if let ifMatch { headers["If-Match"] = ifMatch }
        let request = HTTPRequest(
            method: "PATCH", url: VendorWire.url(api, ["calendars", calendarId, "events", id]), headers: headers,
            body: VendorWire.body(GoogleEventResource.body(draft, id: nil, isPatch: true)))
        let response = try await http.send(request)
        try Self.check(response)
        return try VendorWire.decode(GoogleEventResource.self, from: response, what: "a Google event")
            .vendorEvent(calendarZone: nil)
    }

    /// Deletes an event; 404 and 410 `deleted` (already gone) are success, a stale `If-Match` is a 412 `VendorError`.
    public func deleteEvent(calendarId: String, id: String, ifMatch: String?) async throws {
        var headers: [String: String] = [:]
        if let ifMatch { headers["If-Match"] = ifMatch }
        let response = try await http.send(
            HTTPRequest(method: "DELETE", url: VendorWire.url(api, ["calendars", calendarId, "events", id]), headers: headers))
        if response.status == 404 || response.status == 410 { return }
        try Self.check(response)
    }

    // MARK: - Helpers

    static let jsonHeaders = ["Content-Type": "application/json", "Accept": "application/json"]

    /// Whether `id` is a valid client-chosen Google event id: 5–1024 characters of base32hex (`a`–`v`, `0`–`9`).
    public static func isValidEventID(_ id: String) -> Bool {
        (5...1024).contains(id.utf8.count)
            && id.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "v")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) }
    }

    func get(_ segments: [String], query: [(String, String)] = []) async throws -> HTTPResponse {
        try await http.send(
            HTTPRequest(method: "GET", url: VendorWire.url(api, segments, query: query), headers: ["Accept": "application/json"]))
    }

    /// Throws the `VendorError` of a non-2xx answer.
    static func check(_ response: HTTPResponse) throws {
        guard response.isSuccess else { throw VendorError(response: response) }
    }
}
