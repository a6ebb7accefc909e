import CalsyncModel

/// The global settings of one calsync process, resolved once from flags, then environment, then `calsync.yaml`.
public struct Configuration: Sendable, Hashable {
    public var statePath = ".calsync/state.db"
    public var statusDir = "status/"
    /// Public base URL for webhooks; nil makes providers poll on `syncInterval`.
    public var webhookBaseURL: String?
    public var webhookRenewBefore = SpecDuration.hours(24)
    /// Shifts calsync's clock, for emulator tests and what-if plans.
    public var clockOffset = SpecDuration(seconds: 0)
    public var maxProviderDeletes = 5
    /// Sync steps committed in one transaction; nil for the engine's default.
    public var syncBatchSize: Int?
    public var endpoints = Endpoints()
    /// The active tenant of operator commands.
    public var tenant: TenantName?
    /// Where the configuration file came from, if one was read.
    public var configFile: String?

    /// Vendor base URLs. Paths under each are the vendors' own.
    public struct Endpoints: Sendable, Hashable {
        public var googleAPI = "https://www.googleapis.com"
        public var googleAuthorize = "https://accounts.google.com"
        public var googleToken = "https://oauth2.googleapis.com"
        public var graph = "https://graph.microsoft.com"
        public var microsoftLogin = "https://login.microsoftonline.com"

        public init() {}

        /// Points all three Google services at one base URL, as the emulator serves them.
        public mutating func setGoogle(_ base: String) {
            googleAPI = base
            googleAuthorize = base
            googleToken = base
        }
    }

    /// Settings given as command-line flags; nil means "not given".
    public struct Flags: Sendable, Hashable {
        public var state: String?
        public var statusDir: String?
        public var webhookBaseURL: String?
        public var tenant: String?
        public init(state: String? = nil, statusDir: String? = nil, webhookBaseURL: String? = nil, tenant: String? = nil) {
            self.state = state
            self.statusDir = statusDir
            self.webhookBaseURL = webhookBaseURL
            self.tenant = tenant
        }
    }

    public init() {}

    /// Resolves flags over the environment over the configuration file over the defaults.
    ///
    /// - Throws: `ConfigurationError` naming the setting whose value is malformed.
    public static func resolve(flags: Flags, environment: [String: String], file: ConfigFile?, fileName: String?)
        throws(ConfigurationError) -> Configuration
    {
        var config = Configuration()
        config.configFile = fileName
        if let file {
            config.statePath = file.state ?? config.statePath
            config.statusDir = file.statusDir ?? config.statusDir
            config.webhookBaseURL = file.webhookBaseUrl ?? config.webhookBaseURL
            config.webhookRenewBefore = file.webhookRenewBefore ?? config.webhookRenewBefore
            config.maxProviderDeletes = file.maxProviderDeletes ?? config.maxProviderDeletes
            if let google = file.endpoints.google { config.endpoints.setGoogle(google) }
            config.endpoints.graph = file.endpoints.graph ?? config.endpoints.graph
            config.endpoints.microsoftLogin = file.endpoints.microsoftLogin ?? config.endpoints.microsoftLogin
        }
        func env(_ name: String) -> String? {
            guard let value = environment[name], !value.isEmpty else { return nil }
            return value
        }
        func url(_ value: String, setting: String) throws(ConfigurationError) -> String {
            guard URLParts(value) != nil else {
                throw ConfigurationError(setting: setting, value: value, expected: "an absolute http or https URL")
            }
            return value.hasSuffix("/") ? String(value.dropLast()) : value
        }
        config.statePath = flags.state ?? env("CALSYNC_STATE") ?? config.statePath
        config.statusDir = flags.statusDir ?? env("CALSYNC_STATUS_DIR") ?? config.statusDir
        if let value = flags.webhookBaseURL ?? env("CALSYNC_WEBHOOK_BASE_URL") {
            config.webhookBaseURL = try url(value, setting: flags.webhookBaseURL != nil ? "--webhook-base-url" : "CALSYNC_WEBHOOK_BASE_URL")
        }
        if let value = env("CALSYNC_WEBHOOK_RENEW_BEFORE") {
            guard let duration = SpecDuration(parsing: value), duration.seconds > 0 else {
                throw ConfigurationError(setting: "CALSYNC_WEBHOOK_RENEW_BEFORE", value: value, expected: "a duration such as 24h")
            }
            config.webhookRenewBefore = duration
        }
        if let value = env("CALSYNC_CLOCK_OFFSET") {
            guard let duration = SpecDuration(parsing: value, allowSign: true) else {
                throw ConfigurationError(setting: "CALSYNC_CLOCK_OFFSET", value: value, expected: "a signed duration such as 72h or -10m")
            }
            config.clockOffset = duration
        }
        if let value = env("CALSYNC_SYNC_BATCH_SIZE") {
            guard let size = Int(value), (1...100_000).contains(size) else {
                throw ConfigurationError(setting: "CALSYNC_SYNC_BATCH_SIZE", value: value, expected: "a whole number from 1 to 100000")
            }
            config.syncBatchSize = size
        }
        if let value = env("CALSYNC_GOOGLE_BASE_URL") {
            config.endpoints.setGoogle(try url(value, setting: "CALSYNC_GOOGLE_BASE_URL"))
        }
        if let value = env("CALSYNC_GRAPH_BASE_URL") {
            config.endpoints.graph = try url(value, setting: "CALSYNC_GRAPH_BASE_URL")
        }
        if let value = env("CALSYNC_MICROSOFT_LOGIN_BASE_URL") {
            config.endpoints.microsoftLogin = try url(value, setting: "CALSYNC_MICROSOFT_LOGIN_BASE_URL")
        }
        if let value = flags.tenant ?? env("CALSYNC_TENANT") {
            guard let tenant = TenantName(rawValue: value) else {
                throw ConfigurationError(setting: flags.tenant != nil ? "--tenant" : "CALSYNC_TENANT", value: value, expected: DNSLabel.rule)
            }
            config.tenant = tenant
        }
        return config
    }
}

/// A global setting whose value is malformed.
public struct ConfigurationError: Error, Sendable, Hashable, CustomStringConvertible {
    public var setting: String
    public var value: String
    public var expected: String

    public var description: String {
        "\(setting) \"\(value)\" is malformed (it must be \(expected)). Correct \(setting)."
    }
}
