import CalsyncModel
import Foundation

// MARK: - Push channels

extension GoogleCalendarClient {
    /// events.watch: a `web_hook` channel with id `channelID`, token `secret`, expiring at `expiresAt`
    /// (Google may choose an earlier expiration; the returned channel carries Google's).
    public func watch(calendarId: String, channelID: String, address: URL, secret: Secret, expiresAt: Date)
        async throws -> PushChannel
    {
        let body: JSONValue = .object([
            ("id", .string(channelID)), ("type", "web_hook"), ("address", .string(address.absoluteString)),
            ("token", .string(secret.exposedValue)),
            ("expiration", .int(Int((expiresAt.timeIntervalSince1970 * 1000).rounded()))),
        ])
        let response = try await http.send(
            HTTPRequest(
                method: "POST", url: VendorWire.url(api, ["calendars", calendarId, "events", "watch"]),
                headers: Self.jsonHeaders, body: VendorWire.body(body)))
        try Self.check(response)
        let channel = try VendorWire.decode(GoogleChannelResource.self, from: response, what: "a Google channel")
        guard let millis = channel.expiration.flatMap(Int64.init) else {
            throw CalendarClientError.malformedResponse(
                "Google's channel \"\(channel.id)\" has no expiration in Unix milliseconds. Check the configured endpoint.")
        }
        return PushChannel(
            id: channel.id, resourceID: channel.resourceId,
            expiresAt: Date(timeIntervalSince1970: TimeInterval(millis) / 1000))
    }

    /// Google has no channel renewal: always throws `CalendarClientError.unsupported`.
    public func renew(_ channel: PushChannel, expiresAt: Date) async throws -> PushChannel {
        throw CalendarClientError.unsupported(
            "Google channel \"\(channel.id)\" cannot be renewed (Google has no channel renewal). Open a new channel with watch, then stop this one.")
    }

    /// channels.stop with the channel's id and resource id; a channel Google no longer knows (404) is stopped already.
    public func stop(_ channel: PushChannel) async throws {
        guard let resourceID = channel.resourceID else {
            throw CalendarClientError.invalidArgument(
                "Google channel \"\(channel.id)\" has no resource id (channels.stop needs both). Pass the channel as watch returned it.")
        }
        let body: JSONValue = .object([("id", .string(channel.id)), ("resourceId", .string(resourceID))])
        let response = try await http.send(
            HTTPRequest(
                method: "POST", url: VendorWire.url(api, ["channels", "stop"]), headers: Self.jsonHeaders,
                body: VendorWire.body(body)))
        if response.status == 404 { return }
        try Self.check(response)
    }
}
