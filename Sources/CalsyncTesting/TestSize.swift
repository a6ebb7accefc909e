import Foundation

/// How large heavy suites run: small in `make test`, full in `make test-long` (`CALSYNC_TEST_SIZE=long`).
public enum TestSize {
    public static var isLong: Bool { ProcessInfo.processInfo.environment["CALSYNC_TEST_SIZE"] == "long" }

    /// `small` normally, `long` under `make test-long`.
    public static func pick(small: Int, long: Int) -> Int { isLong ? long : small }

    /// The seed of a randomized run: `CALSYNC_SEED` to replay one, else a fresh one.
    public static func seed() -> UInt64 {
        if let text = ProcessInfo.processInfo.environment["CALSYNC_SEED"], let seed = UInt64(text) { return seed }
        return UInt64.random(in: 1...UInt64.max)
    }
}
