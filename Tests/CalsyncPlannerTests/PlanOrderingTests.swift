import CalsyncModel
import CalsyncPlanner
import Testing

@Test func actionsAreOrderedByTenantProviderThenKind() {
    // Given providers of two tenants, declared out of order, with several actions each
    var expiring = Fixture.converged(Fixture.spec("acme/b-cal"))
    expiring.webhook?.expiresAt = Fixture.minutes(10)
    expiring.isNotificationPending = true
    let desired = DesiredState(providers: [
        Fixture.spec("globex/main"), Fixture.spec("acme/c-cal", syncInterval: .minutes(5)), Fixture.spec("acme/b-cal"),
        Fixture.spec("acme/a-cal"),
    ])
    let snapshot = StateSnapshot(providers: [
        Fixture.converged(Fixture.spec("acme/c-cal")), expiring, Fixture.converged(Fixture.spec("acme/aa-gone")),
        Fixture.converged(Fixture.spec("globex/main")), Fixture.converged(Fixture.spec("globex/gone")),
    ])

    // When planning
    let plan = Fixture.plan(desired, snapshot)

    // Then tenant, provider name, then create → update → authorize → webhook → sync; a delete sits at its name
    #expect(
        plan.actions.map { "\($0.ref) \($0.action.rawValue)" } == [
            "acme/a-cal create",
            "acme/a-cal authorize",
            "acme/aa-gone delete",
            "acme/b-cal renew_webhook",
            "acme/b-cal sync",
            "acme/c-cal update",
            "globex/gone delete",
        ])
}

@Test func kindsFollowTheSpecOrderWithinAProvider() {
    // Given the order the spec gives: create → update → authorize → register/renew webhook → sync; delete last
    let specOrder: [ActionKind] = [.create, .update, .authorize, .registerWebhook, .renewWebhook, .sync, .delete]

    // Then ActionKind.order agrees, and disable sits right after update
    #expect(specOrder.map(\.order) == specOrder.map(\.order).sorted())
    #expect(ActionKind.update.order < ActionKind.disable.order)
    #expect(ActionKind.disable.order < ActionKind.authorize.order)
}

@Test func samePlanWhateverTheInputOrder() {
    // Given the same providers in two orders
    let specs = ["acme/x", "acme/y", "beta/z"].map { Fixture.spec($0) }

    // When planning each
    let forward = Fixture.plan(DesiredState(providers: specs), .empty)
    let backward = Fixture.plan(DesiredState(providers: specs.reversed()), .empty)

    // Then the plans are equal
    #expect(forward == backward)
}
