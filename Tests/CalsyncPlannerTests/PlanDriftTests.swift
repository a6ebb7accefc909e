import CalsyncModel
import CalsyncPlanner
import Testing

/// A drift situation and the drift the plan lists for it.
struct DriftCase: CustomTestStringConvertible, Sendable {
    var name: String
    var state: ProviderState
    var observed: ObservedProvider?
    var kinds: [Drift.Kind]
    var repairs: [ActionKind]
    var actions: [String]

    var testDescription: String { name }
}

private let spec = Fixture.spec("acme/cal")

private func state(_ change: (inout ProviderState) -> Void) -> ProviderState {
    var state = Fixture.converged(spec)
    change(&state)
    return state
}

let driftCases: [DriftCase] = [
    DriftCase(
        name: "credential revoked at the vendor", state: Fixture.converged(spec),
        observed: ObservedProvider(isCredentialRevoked: true), kinds: [.credentialRevoked], repairs: [.authorize],
        actions: ["authorize:credential_revoked"]),
    DriftCase(
        name: "credential revoked in state", state: state { $0.credential = .revoked }, observed: nil,
        kinds: [.credentialRevoked], repairs: [.authorize], actions: ["authorize:credential_revoked"]),
    DriftCase(
        name: "webhook gone at the vendor", state: Fixture.converged(spec),
        observed: ObservedProvider(isWebhookMissing: true), kinds: [.webhookMissing], repairs: [.registerWebhook],
        actions: ["register_webhook:webhook_missing"]),
    DriftCase(
        name: "webhook recorded dead", state: state { $0.webhook?.isAlive = false }, observed: nil,
        kinds: [.webhookMissing], repairs: [.registerWebhook], actions: ["register_webhook:webhook_missing"]),
    DriftCase(
        name: "cursor expired at the vendor", state: Fixture.converged(spec),
        observed: ObservedProvider(isCursorExpired: true), kinds: [.cursorExpired], repairs: [.sync],
        actions: ["sync:cursor_expired"]),
    DriftCase(
        name: "calendar not found", state: Fixture.converged(spec), observed: ObservedProvider(isCalendarMissing: true),
        kinds: [.calendarNotFound], repairs: [.sync], actions: ["sync:cursor_expired"]),
    DriftCase(
        name: "calendar not found while consent is missing shows on the authorize",
        state: state { $0.credential = .none }, observed: ObservedProvider(isCalendarMissing: true),
        kinds: [.calendarNotFound], repairs: [.sync], actions: ["authorize:never_authorized"]),
    DriftCase(
        name: "everything at once, on every action",
        state: state {
            $0.applied.syncInterval = .minutes(5)
            $0.credential = .revoked
        },
        observed: ObservedProvider(
            isCredentialRevoked: true, isCalendarMissing: true, isWebhookMissing: true, isCursorExpired: true),
        kinds: [.credentialRevoked, .calendarNotFound, .webhookMissing, .cursorExpired],
        repairs: [.authorize, .sync, .registerWebhook, .sync],
        actions: ["update:spec_changed", "authorize:credential_revoked"]),
]

@Test(arguments: driftCases)
func driftIsListedWithEveryActionOfItsProvider(_ row: DriftCase) {
    // Given a provider whose vendor disagrees with the state
    let observed = row.observed.map { ObservedState(providers: [spec.ref: $0]) }

    // When planning
    let plan = Fixture.plan(DesiredState(providers: [spec]), StateSnapshot(providers: [row.state]), observed: observed)

    // Then the repairing actions are planned and each carries the provider's drift
    #expect(plan.actions.map(\.short) == row.actions)
    for action in plan.actions {
        #expect(action.drift.map(\.kind) == row.kinds)
        #expect(action.drift.map(\.repair) == row.repairs)
        #expect(action.drift.allSatisfy { !$0.detail.isEmpty })
    }
}

@Test func driftOfADisabledProviderPlansNothing() {
    // Given a disabled provider whose webhook and cursor are gone
    let disabled = Fixture.spec("acme/cal", enabled: false)
    var state = Fixture.converged(disabled)
    state.isCursorExpired = true
    let observed = ObservedState(providers: [disabled.ref: ObservedProvider(isWebhookMissing: true)])

    // When planning
    let plan = Fixture.plan(DesiredState(providers: [disabled]), StateSnapshot(providers: [state]), observed: observed)

    // Then no action, so no drift line: a disabled provider is not repaired
    #expect(plan.actions.isEmpty)
}

@Test func driftOfOneProviderStaysWithIt() {
    // Given two providers, one with an expired cursor
    let other = Fixture.spec("acme/other")
    var stale = Fixture.converged(other)
    stale.lastSync = nil
    let observed = ObservedState(providers: [spec.ref: ObservedProvider(isCursorExpired: true)])

    // When planning
    let plan = Fixture.plan(
        DesiredState(providers: [spec, other]), StateSnapshot(providers: [Fixture.converged(spec), stale]),
        observed: observed)

    // Then only that provider's action carries drift
    #expect(plan.actions.map { "\($0.provider) \($0.drift.count)" } == ["cal 1", "other 0"])
}
