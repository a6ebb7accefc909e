import CalsyncModel
import Foundation

// MARK: - Events

extension GraphCalendarClient {
    /// `$expand` that returns calsync's stamp property with an event.
    static var expandStamp: (String, String) {
        ("$expand", "singleValueExtendedProperties($filter=id eq '\(stampPropertyID)')")
    }

    /// The event with `id` in any of the mailbox's calendars; nil when Graph does not know it (404).
    public func event(calendarId: String, id: String) async throws -> VendorEvent? {
        let response = try await send(
            HTTPRequest(
                method: "GET", url: VendorWire.url(api, ["me", "events", id], query: [Self.expandStamp]),
                headers: readHeaders))
        if response.status == 404 { return nil }
        try Self.check(response)
        return try VendorWire.decode(GraphEventResource.self, from: response, what: "a Graph event").vendorEvent
    }

    /// The calendar's event whose stamp property is `stamp` (`$filter` on the extended property).
    public func event(calendarId: String, stampedWith stamp: OwnershipStamp) async throws -> VendorEvent? {
        func quoted(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
        let filter =
            "singleValueExtendedProperties/any(ep: ep/id eq \(quoted(Self.stampPropertyID)) and ep/value eq \(quoted(stamp.description)))"
        let response = try await send(
            HTTPRequest(
                method: "GET",
                url: VendorWire.url(
                    api, Self.calendarPath(calendarId) + ["events"],
                    query: [("$filter", filter), Self.expandStamp, ("$top", "1")]),
                headers: readHeaders))
        try Self.check(response)
        return try VendorWire.decode(GraphEventsPage.self, from: response, what: "a Graph event list").value.first?
            .vendorEvent
    }

    /// POSTs the event with `transactionId` = `idempotencyKey`, so a resent create returns the event
    /// created first.
    public func createEvent(calendarId: String, _ draft: EventDraft, idempotencyKey: String) async throws
        -> VendorEvent
    {
        let response = try await send(createRequest(calendarId: calendarId, draft, idempotencyKey: idempotencyKey))
        try Self.check(response)
        return try Self.created(draft, from: response)
    }

    func createRequest(calendarId: String, _ draft: EventDraft, idempotencyKey: String) -> HTTPRequest {
        HTTPRequest(
            method: "POST", url: VendorWire.url(api, Self.calendarPath(calendarId) + ["events"]),
            headers: Self.jsonHeaders,
            body: VendorWire.body(GraphEventResource.body(draft, transactionID: idempotencyKey)),
            idempotencyKey: idempotencyKey)
    }

    /// The event a create or update answered with; it carries the stamp just written.
    static func created(_ draft: EventDraft, from response: HTTPResponse) throws -> VendorEvent {
        var event = try VendorWire.decode(GraphEventResource.self, from: response, what: "a Graph event").vendorEvent
        event.stamp = draft.stamp
        return event
    }

    /// PATCHes `/me/events/{id}` with only the managed fields and the stamp; with `ifMatch`, a 412
    /// `VendorError` when the event changed since.
    public func updateEvent(calendarId: String, id: String, _ draft: EventDraft, ifMatch: String?) async throws
        -> VendorEvent
    {
        var headers = Self.jsonHeaders
        if let ifMatch { headers["If-Match"] = ifMatch }
        let response = try await send(
            HTTPRequest(
                method: "PATCH", url: VendorWire.url(api, ["me", "events", id]), headers: headers,
                body: VendorWire.body(GraphEventResource.body(draft, transactionID: nil))))
        try Self.check(response)
        return try Self.created(draft, from: response)
    }

    /// DELETEs `/me/events/{id}`; an event already gone (404) is success.
    public func deleteEvent(calendarId: String, id: String, ifMatch: String?) async throws {
        var headers: [String: String] = [:]
        if let ifMatch { headers["If-Match"] = ifMatch }
        let response = try await send(
            HTTPRequest(method: "DELETE", url: VendorWire.url(api, ["me", "events", id]), headers: headers))
        if response.status == 404 { return }
        try Self.check(response)
    }
}
