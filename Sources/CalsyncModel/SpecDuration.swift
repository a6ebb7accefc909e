/// A duration as manifests write it: `90s`, `15m`, `1h30m`, `7d`.
///
/// Units are `s`, `m`, `h` and `d`; a sign is allowed where the setting takes one (clock offsets).
public struct SpecDuration: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Whole seconds.
    public var seconds: Int64

    public init(seconds: Int64) { self.seconds = seconds }

    public static func minutes(_ n: Int64) -> SpecDuration { SpecDuration(seconds: n * 60) }
    public static func hours(_ n: Int64) -> SpecDuration { SpecDuration(seconds: n * 3600) }
    public static func days(_ n: Int64) -> SpecDuration { SpecDuration(seconds: n * 86400) }

    /// Parses `[+-]N<unit>[N<unit>…]`; nil when the text is not a duration or overflows.
    public init?(parsing text: String, allowSign: Bool = false) {
        var scalars = Substring(text)
        var sign: Int64 = 1
        if allowSign, let first = scalars.first, first == "-" || first == "+" {
            sign = first == "-" ? -1 : 1
            scalars = scalars.dropFirst()
        }
        guard !scalars.isEmpty else { return nil }
        var total: Int64 = 0
        var number: Int64?
        for character in scalars {
            if let digit = character.wholeNumberValue, character.isASCII {
                let (shifted, o1) = (number ?? 0).multipliedReportingOverflow(by: 10)
                let (next, o2) = shifted.addingReportingOverflow(Int64(digit))
                guard !o1, !o2 else { return nil }
                number = next
                continue
            }
            guard let value = number else { return nil }
            let unit: Int64
            switch character {
            case "s": unit = 1
            case "m": unit = 60
            case "h": unit = 3600
            case "d": unit = 86400
            default: return nil
            }
            let (part, o1) = value.multipliedReportingOverflow(by: unit)
            let (sum, o2) = total.addingReportingOverflow(part)
            guard !o1, !o2 else { return nil }
            total = sum
            number = nil
        }
        guard number == nil else { return nil }
        self.seconds = sign * total
    }

    /// The canonical spelling, largest units first: `1h30m`, `15m`, `0s`.
    public var description: String {
        if seconds == 0 { return "0s" }
        var rest = seconds.magnitude
        var text = seconds < 0 ? "-" : ""
        for (unit, size) in [("d", UInt64(86400)), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            text += "\(rest / size)\(unit)"
            rest %= size
        }
        return text
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.seconds < rhs.seconds }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = SpecDuration(parsing: text, allowSign: true) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a duration"))
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
