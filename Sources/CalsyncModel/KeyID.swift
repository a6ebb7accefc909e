/// Names an encryption key without revealing it: the first 8 bytes of the key's SHA-256, as 16
/// lowercase hex digits (`1a2b3c4d5e6f7a8b`).
///
/// Every sealed record carries the id of the key that sealed it, so the key that opens it can be
/// found, and messages can name a key that is missing without printing the key.
public struct KeyID: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// The 16 lowercase hex digits.
    public let rawValue: String

    /// Accepts exactly 16 lowercase hex digits.
    public init?(rawValue: String) {
        guard rawValue.utf8.count == 16, rawValue.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) })
        else { return nil }
        self.rawValue = rawValue
    }

    /// The id of a key whose SHA-256 digest starts with `digestPrefix` (at least 8 bytes; the first 8 are used).
    package init(digestPrefix: some Sequence<UInt8>) {
        let digits = Array("0123456789abcdef")
        var text = ""
        for byte in digestPrefix.prefix(8) {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        rawValue = text
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let id = KeyID(rawValue: text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "a key id is 16 lowercase hex digits"))
        }
        self = id
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
}
