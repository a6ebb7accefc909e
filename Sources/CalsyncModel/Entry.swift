import Foundation

/// A calendar date without a time or zone: the start or exclusive end of an all-day entry.
public struct DayDate: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// A real Gregorian date, or nil.
    public init?(year: Int, month: Int, day: Int) {
        guard (1...9999).contains(year), (1...12).contains(month), day >= 1,
            day <= DayDate.daysInMonth(year: year, month: month)
        else { return nil }
        self.year = year
        self.month = month
        self.day = day
    }

    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Parses `YYYY-MM-DD`.
    public init?(iso text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2])
        else { return nil }
        self.init(year: year, month: month, day: day)
    }

    /// `YYYY-MM-DD`.
    public var description: String {
        String(format: "%04d-%02d-%02d", year, month, day)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day) }

    /// Midnight UTC of this date, for ordering against instants.
    public var utcMidnight: Date {
        // Days from the civil date (Howard Hinnant's algorithm), so no Calendar is built per call.
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        let days = era * 146_097 + dayOfEra - 719_468
        return Date(timeIntervalSince1970: TimeInterval(days) * 86_400)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = DayDate(iso: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a date"))
        }
        self = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// When an entry starts or ends: a UTC instant, or a date for all-day entries (ends exclusive).
public enum EntryTime: Sendable, Hashable, Comparable, CustomStringConvertible {
    case instant(Date)
    case date(DayDate)

    /// Parses RFC 3339 (`2026-11-24T10:00:00Z`, any offset) or a date (`2026-11-24`).
    public init?(parsing text: String) {
        if let date = DayDate(iso: text) {
            self = .date(date)
            return
        }
        guard let instant = RFC3339.date(text) else { return nil }
        self = .instant(instant)
    }

    public var isDate: Bool {
        if case .date = self { return true }
        return false
    }

    /// The instant used for ordering and range filters; a date reads as its midnight UTC.
    public var orderingInstant: Date {
        switch self {
        case .instant(let date): return date
        case .date(let day): return day.utcMidnight
        }
    }

    /// RFC 3339 UTC for instants, `YYYY-MM-DD` for dates.
    public var description: String {
        switch self {
        case .instant(let date): return RFC3339.string(date)
        case .date(let day): return day.description
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.orderingInstant < rhs.orderingInstant }
}

/// The id of an entry in a tenant's schedule.
public struct EntryID: RawRepresentable, Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public let rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    /// A new random id: a version 4 UUID in lower case, from the system's generator (`getrandom`).
    /// Foundation's `UUID()` opens `/dev/urandom` for every id on Linux, which a pull of 10,000 events notices.
    public static func random() -> EntryID {
        var generator = SystemRandomNumberGenerator()
        var words = (generator.next(), generator.next())
        var uuid = withUnsafeBytes(of: &words) { $0.load(as: uuid_t.self) }
        uuid.6 = uuid.6 & 0x0f | 0x40
        uuid.8 = uuid.8 & 0x3f | 0x80
        return EntryID(rawValue: UUID(uuid: uuid).uuidString.lowercased())
    }
}

/// One entry of a tenant's schedule, the local side of every sync.
public struct Entry: Sendable, Hashable {
    public var id: EntryID
    public var tenant: TenantName
    public var title: String
    public var description: String?
    public var location: String?
    public var start: EntryTime
    public var end: EntryTime
    /// IANA time zone the entry was written in, if any.
    public var timeZone: String?
    /// Grows on every change; `If-Match` and concurrent writers compare it.
    public var version: Int
    public var updatedAt: Date
    /// Where the entry came from: `local` (CLI or API), `ical` (import), or a provider (`acme/google-main`).
    public var origin: String

    public var isAllDay: Bool { start.isDate }

    public init(
        id: EntryID, tenant: TenantName, title: String, description: String? = nil, location: String? = nil,
        start: EntryTime, end: EntryTime, timeZone: String? = nil, version: Int = 1, updatedAt: Date, origin: String
    ) {
        self.id = id
        self.tenant = tenant
        self.title = title
        self.description = description
        self.location = location
        self.start = start
        self.end = end
        self.timeZone = timeZone
        self.version = version
        self.updatedAt = updatedAt
        self.origin = origin
    }

    /// Whether the entry overlaps `[from, to)`; nil bounds are open.
    public func overlaps(from: Date?, to: Date?) -> Bool {
        if let to, start.orderingInstant >= to { return false }
        if let from, end.orderingInstant <= from { return false }
        return true
    }
}

/// The fields an entry update changes; nil leaves a field as it is.
public struct EntryChanges: Sendable, Hashable {
    public var title: String?
    public var description: String?
    public var location: String?
    public var start: EntryTime?
    public var end: EntryTime?
    public var timeZone: String?

    public init(
        title: String? = nil, description: String? = nil, location: String? = nil, start: EntryTime? = nil,
        end: EntryTime? = nil, timeZone: String? = nil
    ) {
        self.title = title
        self.description = description
        self.location = location
        self.start = start
        self.end = end
        self.timeZone = timeZone
    }

    public var isEmpty: Bool { self == EntryChanges() }

    /// `entry` with these changes applied (version and time stamps untouched).
    public func applied(to entry: Entry) -> Entry {
        var changed = entry
        if let title { changed.title = title }
        if let description { changed.description = description }
        if let location { changed.location = location }
        if let start { changed.start = start }
        if let end { changed.end = end }
        if let timeZone { changed.timeZone = timeZone }
        return changed
    }
}

/// Why an entry is malformed, for the CLI and the API.
public enum EntryRules {
    /// The problem with `entry`, or nil when it is well formed.
    public static func problem(with entry: Entry) -> String? {
        if entry.title.trimmingCharacters(in: .whitespaces).isEmpty { return "the title is empty" }
        if entry.start.isDate != entry.end.isDate {
            return "start and end must both be dates (all-day) or both be instants"
        }
        if entry.end <= entry.start { return "the end (\(entry.end)) is not after the start (\(entry.start))" }
        if let zone = entry.timeZone, TimeZone(identifier: zone) == nil { return "time zone \"\(zone)\" is unknown" }
        return nil
    }
}
