/// The id of one event in the state's outbox: unique within a state database, growing with every event.
///
/// It is the `id` of the event's line in `status/events.jsonl` and of its notification bodies, so a
/// receiver can tell a repeated delivery from a new event.
public struct OutboxID: RawRepresentable, Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let rawValue: Int64

    public init(rawValue: Int64) { self.rawValue = rawValue }

    public var description: String { String(rawValue) }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
