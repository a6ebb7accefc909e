import CalsyncModel
import CalsyncPlanner
import Foundation
import Testing

@Test func deleteShowsItsBlastRadius() {
    // Given a provider removed from the manifests with a webhook and 120 mappings, in a tenant with 40 entries
    var gone = Fixture.converged(Fixture.spec("acme/old-cal", protect: true))
    gone.mappingCount = 120
    let snapshot = StateSnapshot(
        tenants: [TenantState(applied: Fixture.tenantSpec("acme"), entryCount: 40)], providers: [gone])

    // When planning
    let plan = Fixture.plan(DesiredState(tenants: [Fixture.tenantSpec("acme")]), snapshot)

    // Then one delete that removes the webhook and drops the mappings, keeping entries and vendor events
    #expect(plan.actions.map(\.short) == ["delete:removed_from_manifests"])
    #expect(
        plan.actions.first?.blastRadius
            == BlastRadius(webhooks: 1, mappings: 120, entriesKept: 40, vendorEventsKept: 120))
}

@Test func deleteWithoutWebhookOrTenantState() {
    // Given a provider with no webhook whose tenant is unknown to the state
    var gone = Fixture.converged(Fixture.spec("acme/old-cal"))
    gone.webhook = nil
    gone.mappingCount = 3

    // When planning against empty manifests
    let plan = Fixture.plan(DesiredState(), StateSnapshot(providers: [gone]))

    // Then nothing is removed but the mappings
    #expect(
        plan.actions.first?.blastRadius == BlastRadius(webhooks: 0, mappings: 3, entriesKept: 0, vendorEventsKept: 3))
}

@Test func onlyDeletesCarryABlastRadius() {
    let plan = Fixture.plan(
        DesiredState(providers: [Fixture.spec("acme/new")]),
        StateSnapshot(providers: [Fixture.converged(Fixture.spec("acme/old"))]))
    #expect(plan.actions.filter { $0.blastRadius != nil }.map(\.action) == [.delete])
}

@Test func protectedDeleteSaysItWillBeRefused() throws {
    // Given one protected and one unprotected provider removed from the manifests
    let snapshot = StateSnapshot(providers: [
        Fixture.converged(Fixture.spec("acme/kept", protect: true)), Fixture.converged(Fixture.spec("acme/gone")),
    ])

    // When planning
    let plan = Fixture.plan(DesiredState(), snapshot)

    // Then both deletes are shown, and only the protected one says apply will refuse it, in every view
    #expect(plan.actions.map(\.provider.rawValue) == ["gone", "kept"])
    #expect(plan.actions.map { $0.refusal != nil } == [false, true])
    #expect(PlanTextView.render(plan, color: false).contains("refused: protect: true as last applied"))
    #expect(PlanMarkdownView.render(plan).contains("refused: protect: true as last applied"))
    let json = try PlanJSONView.render(plan)
    #expect(json.components(separatedBy: "\"refusal\"").count == 2)
    #expect(try PlanJSONView.decode(Data(json.utf8)) == plan)
}
