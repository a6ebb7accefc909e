import CalsyncModel

/// The settings a `Config` document (`calsync.yaml`) may hold; nil means "not set here".
public struct ConfigFile: Sendable, Hashable {
    public var state: String?
    public var statusDir: String?
    public var webhookBaseUrl: String?
    public var webhookRenewBefore: SpecDuration?
    public var maxProviderDeletes: Int?
    public var endpoints = Endpoints()

    /// Vendor base URLs; nil for the public clouds.
    public struct Endpoints: Sendable, Hashable {
        public var google: String?
        public var graph: String?
        public var microsoftLogin: String?
        public init() {}
    }

    public init() {}
}
