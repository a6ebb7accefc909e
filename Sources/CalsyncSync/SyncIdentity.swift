import CalsyncModel
import Foundation

/// Ids derived from names, the same in every run: mapping ids, Google event ids, idempotency keys.
///
/// A mapping's id is derived from its provider and entry, so a provider declared again later finds the
/// vendor events its stamp names and re-adopts them instead of copying them.
public enum SyncIdentity {
    /// base32hex, the alphabet of Google's client-chosen event ids (RFC 2938).
    static let base32hex = Array("0123456789abcdefghijklmnopqrstuv")

    /// How many base32hex characters a mapping id has (100 bits).
    public static let mappingIDLength = 20

    /// The mapping id of `entry` at `ref`.
    public static func mappingID(for ref: ProviderRef, entry: EntryID) -> MappingID {
        MappingID(rawValue: encoded("calsync-mapping\u{0}\(ref)\u{0}\(entry.rawValue)", length: mappingIDLength))
    }

    /// The Google event id of a mapping at a generation: base32hex, so Google accepts it as a
    /// client-chosen id and a retried insert answers 409 instead of creating a second event.
    public static func googleEventID(mapping: MappingID, generation: Int) -> String {
        let base = isBase32Hex(mapping.rawValue) && mapping.rawValue.count >= 5
            ? mapping.rawValue : encoded("calsync-mapping-id\u{0}\(mapping.rawValue)", length: mappingIDLength)
        return base + String(generation, radix: 32)
    }

    /// The idempotency key of a create: Google's client-chosen event id; at Graph the `transactionId`,
    /// from which the client reads the stamp back (`OwnershipStamp` text, `#`, the generation).
    public static func idempotencyKey(vendor: Vendor, stamp: OwnershipStamp, generation: Int) -> String {
        switch vendor {
        case .google: return googleEventID(mapping: MappingID(rawValue: stamp.mapping), generation: generation)
        case .microsoft: return "\(stamp)#\(generation)"
        }
    }

    /// The source key of an entry pulled from vendor event `vendorEventID` of `ref`: a provider declared
    /// again finds the entry by it and re-adopts the pair instead of copying the event a second time.
    public static func sourceKey(ref: ProviderRef, vendorEventID: String) -> String {
        "calsync:\(ref)/\(vendorEventID)"
    }

    static func isBase32Hex(_ text: String) -> Bool {
        text.allSatisfy { base32hex.contains($0) }
    }

    /// `length` base32hex characters of the SHA-256 of `text`.
    static func encoded(_ text: String, length: Int) -> String {
        let digest = SHA256.digest(Array(text.utf8))
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
