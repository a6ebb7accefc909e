/// One request the emulator received.
public struct RequestLogEntry: Codable, Sendable, Equatable {
    /// HTTP method.
    public var method: String
    /// The path as sent.
    public var path: String
    /// The query items as received, percent-encoded again (`a=1&b=2`); nil when there were none.
    public var query: String?
    /// The route template that answered it, `unmatched` when none did.
    public var route: String
    /// True for a Graph `$batch` sub-request, which arrived inside the `$batch` logged before it rather
    /// than as an HTTP request of its own; nil otherwise.
    public var batched: Bool?
    /// The status answered; `nil` when the connection was dropped.
    public var status: Int?
    /// Virtual time of arrival.
    public var at: String
}

/// Counts for one route.
public struct RouteCount: Codable, Sendable, Equatable {
    /// HTTP method.
    public var method: String
    /// Route template.
    public var route: String
    /// Requests received.
    public var count: Int
}

/// The request log as `GET /_control/requests` returns it.
public struct RequestLogSnapshot: Codable, Sendable {
    /// All requests since the last reset.
    public var total: Int
    /// Counts per method and route.
    public var routes: [RouteCount]
    /// The requests, oldest first.
    public var entries: [RequestLogEntry]

    /// How many requests matched `method` and route `template`.
    public func count(_ method: String, _ template: String) -> Int {
        routes.first { $0.method == method && $0.route == template }?.count ?? 0
    }
}
