import CalsyncModel
import CalsyncPlanner
import Foundation

/// Builders for planner tests: names, specs and states with readable defaults.
enum Fixture {
    /// 2026-11-24T10:00:00Z, the clock of every planner test.
    static let now = Date(timeIntervalSince1970: 1_795_514_400)

    static func tenant(_ name: String) -> TenantName { TenantName(rawValue: name)! }

    static func ref(_ text: String) -> ProviderRef { ProviderRef(text)! }

    static func channel(_ name: String) -> ChannelName { ChannelName(rawValue: name)! }

    /// A minute offset from `now`.
    static func minutes(_ n: Double) -> Date { now.addingTimeInterval(n * 60) }

    /// A Google provider spec with the manifest defaults.
    static func spec(
        _ ref: String, enabled: Bool = true, syncInterval: SpecDuration = .minutes(15), protect: Bool = false
    ) -> ProviderSpec {
        ProviderSpec(
            ref: Fixture.ref(ref), vendor: .google, calendarId: "primary", enabled: enabled,
            syncInterval: syncInterval, protect: protect)
    }

    /// A provider as applied, authorized, active, with a live webhook and a sync a minute ago: converged.
    static func converged(_ spec: ProviderSpec) -> ProviderState {
        ProviderState(
            ref: spec.ref, applied: spec, credential: .valid, isActive: spec.enabled,
            webhook: WebhookState(id: "ch-\(spec.ref.provider)", expiresAt: now.addingTimeInterval(7 * 86400)),
            lastSync: LastSync(at: minutes(-1), result: .succeeded))
    }

    static func tenantSpec(_ name: String, apiToken: SecretRef? = nil) -> TenantSpec {
        TenantSpec(
            name: tenant(name),
            oauthApps: .init(
                google: OAuthApp(
                    clientId: "\(name).apps.googleusercontent.com",
                    clientSecret: .env("\(name.uppercased())_GOOGLE_CLIENT_SECRET"),
                    redirectUri: "http://127.0.0.1:8765/oauth/callback")),
            apiToken: apiToken)
    }

    static func channelSpec(_ name: String, url: SecretRef = .env("OPS_SLACK_WEBHOOK")) -> ChannelSpec {
        ChannelSpec(name: channel(name), type: .slack, url: url)
    }

    /// Plans with webhooks enabled and the default renewal window.
    static func plan(
        _ desired: DesiredState, _ snapshot: StateSnapshot, observed: ObservedState? = nil,
        webhooks: Bool = true, now: Date = Fixture.now
    ) -> Plan {
        Planner.plan(
            desired: desired, snapshot: snapshot, observed: observed, now: now,
            options: PlanOptions(webhooksEnabled: webhooks))
    }
}

extension PlannedAction {
    /// `create:new`, for compact expectations.
    var short: String { "\(action.rawValue):\(reason.rawValue)" }
}
