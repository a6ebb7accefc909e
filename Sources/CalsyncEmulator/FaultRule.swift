import Foundation

/// When an injected fault closes the connection.
public enum DropMoment: String, Codable, Sendable {
    /// Close before the request is handled: nothing changes.
    case before
    /// Handle the request, then close without answering: the change happened, the answer is lost.
    case after
}

/// A fault injected on matching requests through `POST /_control/faults`.
public struct FaultRule: Codable, Sendable, Equatable {
    /// Assigned by the emulator.
    public var id: String?
    /// HTTP method to match; any when omitted.
    public var method: String?
    /// Path pattern: a route template (`/google/calendar/v3/calendars/{calendarId}/events`) or a
    /// path glob where `*` is one segment and `**` the rest.
    public var path: String
    /// Status to answer with instead of handling.
    public var status: Int?
    /// Body to answer with; the vendor's usual error body for `status` when omitted.
    public var body: JSONValue?
    /// `Retry-After` seconds.
    public var retryAfter: Int?
    /// Wall-clock delay before handling, in milliseconds.
    public var delayMilliseconds: Int?
    /// Close the connection before or after handling.
    public var drop: DropMoment?
    /// How many matching requests it applies to; unlimited when omitted.
    public var count: Int?
    /// Chance (0…1) that a matching request is affected, drawn from the seeded random source.
    public var probability: Double?

    /// Creates a rule.
    public init(
        method: String? = nil, path: String, status: Int? = nil, body: JSONValue? = nil, retryAfter: Int? = nil,
        delayMilliseconds: Int? = nil, drop: DropMoment? = nil, count: Int? = nil, probability: Double? = nil
    ) {
        self.method = method
        self.path = path
        self.status = status
        self.body = body
        self.retryAfter = retryAfter
        self.delayMilliseconds = delayMilliseconds
        self.drop = drop
        self.count = count
        self.probability = probability
    }

    /// Whether the rule matches a request to `path` answered by route `template`.
    func matches(method requestMethod: String, path requestPath: String, template: String) -> Bool {
        if let method, method.uppercased() != requestMethod { return false }
        if path == template || path == requestPath { return true }
        return Self.glob(path.split(separator: "/"), requestPath.split(separator: "/"))
    }

    private static func glob(_ pattern: [Substring], _ path: [Substring]) -> Bool {
        guard let head = pattern.first else { return path.isEmpty }
        if head == "**" { return true }
        guard let segment = path.first else { return false }
        if head != "*" && head != segment { return false }
        return glob(Array(pattern.dropFirst()), Array(path.dropFirst()))
    }
}
