import Foundation

/// Tunables with the vendors' documented or chosen defaults.
public struct EmulatorConfiguration: Codable, Sendable {
    /// Access-token lifetime in seconds (both vendors answer `expires_in` 3599).
    public var accessTokenLifetime: Int = 3599
    /// Google channel lifetime when the request sets none, in seconds (events.watch: 604800).
    public var channelDefaultTTL: Int = 604_800
    /// Longest Google channel lifetime, in seconds (undocumented; chosen equal to the default).
    public var channelMaxTTL: Int = 604_800
    /// Longest Graph subscription lifetime for Outlook events, in minutes.
    public var subscriptionMaxLifetimeMinutes: Int = 10_080
    /// Seconds a webhook receiver has to answer the validation handshake.
    public var validationTimeoutSeconds: Double = 10
    /// Graph calendarView/delta page size without `Prefer: odata.maxpagesize`.
    public var deltaDefaultPageSize: Int = 100

    /// Creates the default configuration.
    public init() {}
}
