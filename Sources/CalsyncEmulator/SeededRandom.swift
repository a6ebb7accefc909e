/// A deterministic random source (SplitMix64), so a seeded emulator hands out the same ids every run.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator from `seed`.
    public init(seed: UInt64) {
        self.state = seed
    }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A string of `length` characters drawn from `alphabet`.
    public mutating func string(length: Int, alphabet: String) -> String {
        let characters = Array(alphabet)
        return String((0..<length).map { _ in characters[Int(next() % UInt64(characters.count))] })
    }

    /// A value in `0..<1`.
    public mutating func unit() -> Double {
        Double(next() >> 11) / Double(1 << 53)
    }

    /// A lowercase UUID-shaped identifier.
    public mutating func uuid() -> String {
        let hex = string(length: 32, alphabet: "0123456789abcdef")
        let parts = [
            hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4),
            hex.dropFirst(20),
        ]
        return parts.joined(separator: "-")
    }
}

/// Alphabets used for generated identifiers.
enum Alphabet {
    /// base32hex, lowercase: what Google accepts and generates for event ids.
    static let base32hex = "0123456789abcdefghijklmnopqrstuv"
    /// URL-safe token characters.
    static let token = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    /// Alphanumerics.
    static let alphanumeric = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
}
