import CalsyncModel

/// What one provider waits for in the notification queue; notifications that arrive while it waits
/// merge into it, so many notifications cause one sync.
public struct ProviderWork: Sendable, Hashable {
    /// A sync is due.
    public var sync: Bool
    /// The sync must start from a full listing (Graph `missed`).
    public var isFull: Bool
    /// Graph subscriptions to renew (`reauthorizationRequired`), by id.
    public var renewals: Set<String>
    /// Graph subscriptions to register again (`subscriptionRemoved`), by id.
    public var replacements: Set<String>

    public init(sync: Bool = false, isFull: Bool = false, renewals: Set<String> = [], replacements: Set<String> = []) {
        self.sync = sync
        self.isFull = isFull
        self.renewals = renewals
        self.replacements = replacements
    }

    /// A sync.
    public static let sync = ProviderWork(sync: true)

    /// This work and `other`, as one.
    public func merged(with other: ProviderWork) -> ProviderWork {
        ProviderWork(
            sync: sync || other.sync, isFull: isFull || other.isFull, renewals: renewals.union(other.renewals),
            replacements: replacements.union(other.replacements))
    }
}
