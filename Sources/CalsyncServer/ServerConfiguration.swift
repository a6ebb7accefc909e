import CalsyncModel
import Foundation

/// How `serve` runs: where it listens, its timers and its limits. Defaults are SPEC's.
public struct ServerConfiguration: Sendable {
    public var listen: ListenAddress
    /// Time between reconcile passes (a pass also runs at start).
    public var reconcileInterval: Duration = .seconds(300)
    /// Notifications for one provider within this interval cause one sync.
    public var debounce: Duration = .seconds(2)
    /// Syncs the worker runs at once.
    public var maxConcurrentSyncs = 4
    /// Time between webhook maintenance runs.
    public var maintenanceInterval: Duration = .seconds(1800)
    /// Time between stale-sync checks (one also runs at start).
    public var watchdogInterval: Duration = .seconds(60)
    /// Largest request body accepted; larger ones get 413.
    public var maxBodyBytes = 1024 * 1024
    /// Key of the HMAC that signs OAuth `state` and `/oauth/start` links (`CALSYNC_STATE_SECRET`,
    /// else `NEXTAUTH_SECRET`); nil turns the web OAuth routes off (503).
    public var stateSigningKey: Secret?
    /// Lifetime of a signed OAuth `state` (the pending authorization's lifetime).
    public var oauthStateLifetime: Duration = .seconds(600)
    /// The process environment, for resolving tenants' `apiToken` references.
    public var environment: [String: String] = [:]

    public init(listen: ListenAddress) {
        self.listen = listen
    }

    /// The OAuth state signing key from `CALSYNC_STATE_SECRET`, else `NEXTAUTH_SECRET`; nil when neither is set.
    public static func stateSigningKey(environment: [String: String]) -> Secret? {
        for name in ["CALSYNC_STATE_SECRET", "NEXTAUTH_SECRET"] {
            if let value = environment[name], !value.isEmpty { return Secret(value) }
        }
        return nil
    }
}
