import CalsyncModel
import Foundation

/// Ids derived from names, the same in every run: mapping ids and source keys. (The idempotency keys of
/// creates are derived from the stamp by `CalendarClients.idempotencyKey`.)
///
/// A mapping's id is derived from its provider and entry, so a provider declared again later finds the
/// vendor events its stamp names and re-adopts them instead of copying them.
public enum SyncIdentity {
    /// base32hex (RFC 4648), lower case: mapping ids are valid in every vendor's ids and URLs.
    static let base32hex = Array("0123456789abcdefghijklmnopqrstuv")

    /// How many base32hex characters a mapping id has (100 bits).
    public static let mappingIDLength = 20

    /// The mapping id of `entry` at `ref`.
    public static func mappingID(for ref: ProviderRef, entry: EntryID) -> MappingID {
        MappingID(rawValue: encoded("calsync-mapping\u{0}\(ref)\u{0}\(entry.rawValue)", length: mappingIDLength))
    }

    /// The source key of an entry pulled from vendor event `vendorEventID` of `ref`: a provider declared
    /// again finds the entry by it and re-adopts the pair instead of copying the event a second time.
    public static func sourceKey(ref: ProviderRef, vendorEventID: String) -> String {
        "calsync:\(ref)/\(vendorEventID)"
    }

    /// `length` base32hex characters of the SHA-256 of `text`.
    static func encoded(_ text: String, length: Int) -> String {
        let digest = Digests.sha256(text)
        var out = ""
        var buffer: UInt32 = 0
        var bits = 0
        for byte in digest {
            buffer = buffer << 8 | UInt32(byte)
            bits += 8
            while bits >= 5, out.count < length {
                out.append(base32hex[Int((buffer >> UInt32(bits - 5)) & 31)])
                bits -= 5
            }
            if out.count == length { break }
        }
        return out
    }
}

/// The dates a provider syncs: whole UTC days from `pastDays` before today to `futureDays` after it.
///
/// Day-aligned, so the window's dates move once a day; a round read for other dates is restarted.
public enum SyncRange {
    /// `[midnight UTC today − pastDays, midnight UTC today + futureDays + 1 day)`.
    public static func interval(_ window: SyncWindow, now: Date) -> DateInterval {
        let day: TimeInterval = 86_400
        let today = (now.timeIntervalSince1970 / day).rounded(.down) * day
        let start = Date(timeIntervalSince1970: today - TimeInterval(window.pastDays) * day)
        let end = Date(timeIntervalSince1970: today + TimeInterval(window.futureDays + 1) * day)
        return DateInterval(start: start, end: end)
    }

    /// Whether `[start, end)` overlaps `interval`.
    public static func overlaps(start: EntryTime, end: EntryTime, _ interval: DateInterval) -> Bool {
        start.orderingInstant < interval.end && end.orderingInstant > interval.start
    }
}
