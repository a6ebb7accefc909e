import CalsyncModel
import Foundation

// MARK: - Subscriptions

extension GraphCalendarClient {
    /// The subscription `resource` of a calendar: `me/calendar/events` for `calendar`, else
    /// `me/calendars/{id}/events`.
    static func subscriptionResource(_ calendarId: String) -> String {
        calendarId == "calendar" ? "me/calendar/events" : "me/calendars/\(calendarId)/events"
    }

    /// `POST /subscriptions` for created, updated and deleted events, with `address` as both the
    /// notification and the lifecycle URL and `secret` as `clientState`. Graph chooses the id, so
    /// `channelID` is not used.
    public func watch(calendarId: String, channelID: String, address: URL, secret: Secret, expiresAt: Date)
        async throws -> PushChannel
    {
        let body: JSONValue = .object([
            ("changeType", "created,updated,deleted"), ("notificationUrl", .string(address.absoluteString)),
            ("lifecycleNotificationUrl", .string(address.absoluteString)),
            ("resource", .string(Self.subscriptionResource(calendarId))),
            ("expirationDateTime", .string(RFC3339.string(expiresAt))), ("clientState", .string(secret.exposedValue)),
        ])
        let response = try await send(
            HTTPRequest(
                method: "POST", url: VendorWire.url(api, ["subscriptions"]), headers: Self.jsonHeaders,
                body: VendorWire.body(body)))
        try Self.check(response)
        return try Self.channel(from: response)
    }

    /// `PATCH /subscriptions/{id}` with the new expiration; a subscription that expired or was removed
    /// is a 404 `VendorError` (register a new one).
    public func renew(_ channel: PushChannel, expiresAt: Date) async throws -> PushChannel {
        let body: JSONValue = .object([("expirationDateTime", .string(RFC3339.string(expiresAt)))])
        let response = try await send(
            HTTPRequest(
                method: "PATCH", url: VendorWire.url(api, ["subscriptions", channel.id]), headers: Self.jsonHeaders,
                body: VendorWire.body(body)))
        try Self.check(response)
        return try Self.channel(from: response)
    }

    /// `DELETE /subscriptions/{id}`; one already gone (404) is success.
    public func stop(_ channel: PushChannel) async throws {
        let response = try await send(
            HTTPRequest(method: "DELETE", url: VendorWire.url(api, ["subscriptions", channel.id])))
        if response.status == 404 { return }
        try Self.check(response)
    }

    private static func channel(from response: HTTPResponse) throws -> PushChannel {
        let subscription = try VendorWire.decode(
            GraphSubscriptionResource.self, from: response, what: "a Graph subscription")
        guard let expiresAt = VendorWire.timestamp(subscription.expirationDateTime) else {
            throw CalendarClientError.malformedResponse(
                "Graph's subscription \"\(subscription.id)\" has an unreadable expirationDateTime. Check the configured endpoint.")
        }
        return PushChannel(id: subscription.id, expiresAt: expiresAt)
    }
}
