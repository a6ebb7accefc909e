import CalsyncModel
import CalsyncPlanner
import Foundation

/// A fixed plan with every kind of action, tenant and channel lines, drift and a blast radius.
///
/// Its summary is the spec's: one of each kind, two syncs.
enum RepresentativePlan {
    static let plan: Plan = {
        // acme/calendar-new: new and disabled → create
        let calendarNew = Fixture.spec("acme/calendar-new", enabled: false)
        // acme/google-main: the refresh found the cursor expired → sync
        let googleMain = Fixture.spec("acme/google-main")
        // acme/outlook: consent revoked at the vendor → authorize
        var outlook = Fixture.spec("acme/outlook")
        outlook.vendor = .microsoft
        outlook.calendarId = "calendar"
        // acme/shared: webhook expires in two hours → renew_webhook
        var shared = Fixture.converged(Fixture.spec("acme/shared"))
        shared.webhook?.expiresAt = Fixture.minutes(120)
        // acme/team-cal: no webhook, never synced → register_webhook, sync
        var teamCal = Fixture.converged(Fixture.spec("acme/team-cal"))
        teamCal.webhook = nil
        teamCal.lastSync = nil
        // acme/old-cal: removed → delete
        var oldCal = Fixture.converged(Fixture.spec("acme/old-cal"))
        oldCal.mappingCount = 120
        // globex/paused: enabled turned off → update, disable
        let paused = Fixture.spec("globex/paused", enabled: false, syncInterval: .minutes(30))

        var acme = Fixture.tenantSpec("acme", apiToken: .file("/run/secrets/acme-api"))
        acme.displayName = "Acme Corp"
        let desired = DesiredState(
            tenants: [acme, Fixture.tenantSpec("globex"), Fixture.tenantSpec("initech")],
            providers: [calendarNew, googleMain, outlook, shared.applied, teamCal.applied, paused],
            channels: [Fixture.channelSpec("ops-slack", url: .env("OPS_SLACK_WEBHOOK_V2"))])
        let snapshot = StateSnapshot(
            serial: 17,
            tenants: [
                TenantState(applied: Fixture.tenantSpec("acme", apiToken: .env("ACME_API_TOKEN")), entryCount: 40),
                TenantState(applied: Fixture.tenantSpec("globex"), entryCount: 3),
            ],
            providers: [
                Fixture.converged(googleMain), Fixture.converged(outlook), shared, teamCal, oldCal,
                Fixture.converged(Fixture.spec("globex/paused")),
            ],
            channels: [Fixture.channelSpec("ops-slack"), Fixture.channelSpec("old-hook")])
        let observed = ObservedState(providers: [
            googleMain.ref: ObservedProvider(isCursorExpired: true),
            outlook.ref: ObservedProvider(isCredentialRevoked: true),
        ])
        return Fixture.plan(desired, snapshot, observed: observed)
    }()
}
