import CalsyncModel

/// `resealAll(with:)` stopped at a credential it could not re-seal; nothing was written.
public struct ResealFailure: Error, Sendable, CustomStringConvertible {
    /// The provider whose credential failed.
    public var ref: ProviderRef
    /// What the re-sealing closure threw.
    public var underlying: any Error

    public init(ref: ProviderRef, underlying: any Error) {
        self.ref = ref
        self.underlying = underlying
    }

    public var description: String { "the credential of \(ref): \(underlying)" }
}
