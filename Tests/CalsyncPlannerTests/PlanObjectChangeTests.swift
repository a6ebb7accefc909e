import CalsyncModel
import CalsyncPlanner
import Testing

@Test func tenantsAreCreatedUpdatedAndDeleted() {
    // Given a new tenant, a changed one and a removed one
    var changed = Fixture.tenantSpec("acme", apiToken: .file("/run/secrets/acme-api"))
    changed.displayName = "Acme Corp"
    changed.oauthApps.microsoft = OAuthApp(
        clientId: "00000000-0000-0000-0000-000000000000", clientSecret: nil,
        redirectUri: "http://127.0.0.1:8765/oauth/callback", directoryTenant: "common")
    let desired = DesiredState(tenants: [changed, Fixture.tenantSpec("initech")])
    let snapshot = StateSnapshot(tenants: [
        TenantState(applied: Fixture.tenantSpec("acme", apiToken: .env("ACME_API_TOKEN"))),
        TenantState(applied: Fixture.tenantSpec("globex")),
    ])

    // When planning
    let plan = Fixture.plan(desired, snapshot)

    // Then one line per tenant, with secrets shown only as references
    #expect(
        plan.tenants.map { "\($0.name) \($0.change.rawValue)" } == ["acme update", "globex delete", "initech create"])
    #expect(
        plan.tenants.first?.changes == [
            FieldChange(field: "displayName", from: "acme", to: "Acme Corp"),
            FieldChange(field: "oauthApps.microsoft.clientId", from: nil, to: "00000000-0000-0000-0000-000000000000"),
            FieldChange(
                field: "oauthApps.microsoft.redirectUri", from: nil, to: "http://127.0.0.1:8765/oauth/callback"),
            FieldChange(field: "oauthApps.microsoft.directoryTenant", from: nil, to: "common"),
            FieldChange(field: "apiToken", from: "env:ACME_API_TOKEN", to: "file:/run/secrets/acme-api"),
        ])
    #expect(plan.tenants.dropFirst().allSatisfy { $0.changes.isEmpty })
    #expect(plan.actions.isEmpty)
}

@Test func channelsAreCreatedUpdatedAndDeleted() {
    // Given a channel whose URL, events and tenants changed, a new one and a removed one
    var changed = Fixture.channelSpec("ops-slack", url: .env("NEW_SLACK_WEBHOOK"))
    changed.events = [.conflict, .error]
    changed.tenants = .only([Fixture.tenant("acme"), Fixture.tenant("globex")])
    changed.secret = .file("/run/secrets/hmac")
    let desired = DesiredState(channels: [changed, Fixture.channelSpec("pager")])
    let snapshot = StateSnapshot(channels: [Fixture.channelSpec("ops-slack"), Fixture.channelSpec("old-hook")])

    // When planning
    let plan = Fixture.plan(desired, snapshot)

    // Then
    #expect(
        plan.channels.map { "\($0.name) \($0.change.rawValue)" } == [
            "old-hook delete", "ops-slack update", "pager create",
        ])
    #expect(
        plan.channels.dropFirst().first?.changes == [
            FieldChange(field: "url", from: "env:OPS_SLACK_WEBHOOK", to: "env:NEW_SLACK_WEBHOOK"),
            FieldChange(field: "secret", from: nil, to: "file:/run/secrets/hmac"),
            FieldChange(
                field: "events",
                from:
                    "conflict, error, authorization_required, webhook_renewal_failed, provider_deleted, sync_recovered",
                to: "conflict, error"),
            FieldChange(field: "tenants", from: "*", to: "acme, globex"),
        ])
}

@Test func unchangedTenantsAndChannelsAreNotListed() {
    let desired = DesiredState(tenants: [Fixture.tenantSpec("acme")], channels: [Fixture.channelSpec("ops")])
    let snapshot = StateSnapshot(
        tenants: [TenantState(applied: Fixture.tenantSpec("acme"), entryCount: 9)],
        channels: [Fixture.channelSpec("ops")])
    let plan = Fixture.plan(desired, snapshot)
    #expect(plan.tenants.isEmpty && plan.channels.isEmpty && plan.actions.isEmpty)
    #expect(!plan.hasChanges)
}

@Test func digestIsStableHexAndFollowsTheManifests() {
    // Given two desired states that differ in one field
    let one = DesiredState(tenants: [Fixture.tenantSpec("acme")], providers: [Fixture.spec("acme/cal")])
    var two = one
    two.providers[0].maxDeletesPerSync = 51

    // Then the digest is 64 lowercase hex digits, the same for the same manifests, different otherwise
    let digest = ManifestDigest.digest(of: one)
    #expect(digest.count == 64)
    #expect(digest.allSatisfy { "0123456789abcdef".contains($0) })
    #expect(digest == ManifestDigest.digest(of: one))
    #expect(digest != ManifestDigest.digest(of: two))
    #expect(ManifestDigest.digest(of: DesiredState()) != digest)
}
