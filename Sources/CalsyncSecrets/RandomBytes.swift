/// Where nonces come from: the system generator in production, a seeded one in tests.
public struct RandomBytes: Sendable {
    private let generate: @Sendable (Int) -> [UInt8]

    /// A source that answers `count` bytes with `generate(count)`.
    public init(_ generate: @escaping @Sendable (Int) -> [UInt8]) {
        self.generate = generate
    }

    /// The operating system's cryptographically secure generator.
    public static let system = RandomBytes { count in
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
    }

    /// `count` random bytes.
    public func callAsFunction(_ count: Int) -> [UInt8] { generate(count) }
}
