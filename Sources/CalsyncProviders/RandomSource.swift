import Foundation

/// An injected source of random bits for jitter, PKCE verifiers and OAuth `state`.
///
/// Logic never reaches for `.random` or `SystemRandomNumberGenerator` itself; the composition root
/// passes one in, and tests pass a seeded one.
public protocol RandomSource: Sendable {
    /// The next 64 random bits.
    func next() -> UInt64
}

extension RandomSource {
    /// A value uniformly drawn from `0...1`.
    public func nextUnitInterval() -> Double {
        Double(next() >> 11) / Double(UInt64(1) << 53)
    }

    /// `count` random bytes.
    public func bytes(count: Int) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(count)
        while result.count < count {
            var word = next()
            for _ in 0..<8 where result.count < count {
                result.append(UInt8(truncatingIfNeeded: word))
                word >>= 8
            }
        }
        return result
    }
}

/// A `RandomSource` over any `RandomNumberGenerator`, safe to share between tasks.
public final class GeneratorRandomSource<Generator: RandomNumberGenerator & Sendable>: RandomSource, @unchecked Sendable
{
    private let lock = NSLock()
    // Guarded by `lock`.
    private var generator: Generator

    /// Wraps `generator`.
    public init(_ generator: Generator) {
        self.generator = generator
    }

    public func next() -> UInt64 {
        lock.lock()
        defer { lock.unlock() }
        return generator.next()
    }
}
