/// What `resealAll(with:)` did.
public struct ResealResult: Sendable, Hashable {
    /// Credentials written back under another key.
    public var resealed: Int
    /// Credentials the closure returned unchanged (already under the current key).
    public var unchanged: Int

    public init(resealed: Int = 0, unchanged: Int = 0) {
        self.resealed = resealed
        self.unchanged = unchanged
    }
}
