import Foundation

extension Emulator {
    /// events.watch: opens a push channel and queues its `sync` message.
    func googleWatch(calendar: CalendarRecord, account: Account, request: EmulatorRequest, origin: String) throws -> EmulatorResponse {
        guard let body = request.jsonBody?.objectValue else {
            throw GoogleError(status: 400, domain: "global", reason: "parseError", message: "Parse Error")
        }
        guard let id = body["id"]?.stringValue, !id.isEmpty else { throw GoogleError.required("Required") }
        guard id.count <= 64 else { throw GoogleError.invalid("Channel id must be at most 64 characters.") }
        guard let type = body["type"]?.stringValue, ["web_hook", "webhook"].contains(type) else {
            throw GoogleError.invalid("Invalid channel type.")
        }
        guard let address = body["address"]?.stringValue, let url = URL(string: address),
            ["http", "https"].contains(url.scheme ?? ""), url.host != nil
        else { throw GoogleError.invalid("Invalid notification address.") }
        let token = body["token"]?.stringValue
        if let token, token.count > 256 { throw GoogleError.invalid("Channel token must be at most 256 characters.") }
        guard channels[id] == nil else {
            throw GoogleError(status: 400, domain: "global", reason: "channelIdNotUnique", message: "Channel id not unique")
        }
        var ttl = TimeInterval(configuration.channelDefaultTTL)
        if let requested = body["params"]?["ttl"]?.intValue {
            ttl = TimeInterval(min(max(requested, 1), configuration.channelMaxTTL))
        }
        var expiration = clock.now.addingTimeInterval(ttl)
        if let millis = body["expiration"]?.intValue {
            expiration = min(expiration, Date(timeIntervalSince1970: TimeInterval(millis) / 1000))
        }
        let resourceURI = "\(origin)/google/calendar/v3/calendars/\(calendar.id)/events?alt=json"
        let channel = WatchChannel(
            id: id, resourceID: random.string(length: 27, alphabet: Alphabet.token), calendarID: calendar.id,
            accountID: account.id, address: address, token: token, resourceURI: resourceURI, expiration: expiration)
        channels[id] = channel
        queueGooglePush(channelID: id, state: .sync)
        var response: [String: JSONValue] = [
            "kind": "api#channel", "id": .string(id), "resourceId": .string(channel.resourceID),
            "resourceUri": .string(resourceURI),
            "expiration": .string(String(Int64((expiration.timeIntervalSince1970 * 1000).rounded()))),
        ]
        if let token { response["token"] = .string(token) }
        return .json(200, .object(response))
    }

    /// channels.stop: `{id, resourceId}`; 404 for a channel this user does not have.
    func googleStopChannel(_ request: EmulatorRequest, account: Account) throws -> EmulatorResponse {
        guard let body = request.jsonBody?.objectValue else {
            throw GoogleError(status: 400, domain: "global", reason: "parseError", message: "Parse Error")
        }
        guard let id = body["id"]?.stringValue, let resourceID = body["resourceId"]?.stringValue else {
            throw GoogleError.required("Required")
        }
        guard let channel = channels[id], channel.resourceID == resourceID, channel.accountID == account.id,
            !channel.isStopped
        else {
            throw GoogleError(status: 404, domain: "global", reason: "notFound", message: "Channel '\(id)' not found for project")
        }
        channels[id]?.isStopped = true
        return .empty(204)
    }

    /// Queues a push message (`sync` or `exists`) for a channel, numbering it.
    func queueGooglePush(channelID: String, state: GooglePushState) {
        guard var channel = channels[channelID], let url = URL(string: channel.address) else { return }
        channel.messageNumber += 1
        channels[channelID] = channel
        var headers: [(String, String)] = [
            ("X-Goog-Channel-ID", channel.id),
            ("X-Goog-Message-Number", String(channel.messageNumber)),
            ("X-Goog-Resource-ID", channel.resourceID),
            ("X-Goog-Resource-State", state.rawValue),
            ("X-Goog-Resource-URI", channel.resourceURI),
            ("X-Goog-Channel-Expiration", DateFormats.httpDate(channel.expiration)),
            ("User-Agent", "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)"),
        ]
        if let token = channel.token { headers.append(("X-Goog-Channel-Token", token)) }
        outbox.enqueue(OutboundMessage(kind: .googlePush, url: url, headers: headers, body: Data(), detail: state.rawValue))
    }
}
