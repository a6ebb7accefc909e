import CalsyncModel
import CalsyncPlanner
import Foundation
import Testing

/// One provider, `acme/cal`, in one situation, and the actions the planner must plan for it.
struct ActionCase: CustomTestStringConvertible, Sendable {
    var name: String
    var desired: ProviderSpec?
    var state: ProviderState?
    var observed: ObservedProvider? = nil
    var webhooks = true
    var expected: [String]

    var testDescription: String { name }
}

private let cal = Fixture.spec("acme/cal")
private let converged = Fixture.converged(cal)

private func state(_ change: (inout ProviderState) -> Void) -> ProviderState {
    var state = converged
    change(&state)
    return state
}

private func desired(_ change: (inout ProviderSpec) -> Void) -> ProviderSpec {
    var spec = cal
    change(&spec)
    return spec
}

/// One row per line of SPEC section 5's action table and per reason, plus the boundaries between them.
let actionCases: [ActionCase] = [
    // create
    ActionCase(
        name: "create: new enabled provider is created and needs consent", desired: cal, state: nil,
        expected: ["create:new", "authorize:never_authorized"]),
    ActionCase(
        name: "create: new disabled provider is only created", desired: Fixture.spec("acme/cal", enabled: false),
        state: nil, expected: ["create:new"]),
    // update
    ActionCase(
        name: "update: changed spec", desired: desired { $0.syncInterval = .minutes(30) }, state: converged,
        expected: ["update:spec_changed"]),
    ActionCase(
        name: "update: enabled again re-activates, then webhook and sync follow",
        desired: cal,
        state: state {
            $0.applied.enabled = false
            $0.isActive = false
            $0.webhook = nil
            $0.lastSync = nil
        },
        expected: ["update:spec_changed", "register_webhook:webhook_missing", "sync:interval_elapsed"]),
    // authorize
    ActionCase(
        name: "authorize: never authorized", desired: cal, state: state { $0.credential = .none },
        expected: ["authorize:never_authorized"]),
    ActionCase(
        name: "authorize: revoked in state", desired: cal, state: state { $0.credential = .revoked },
        expected: ["authorize:credential_revoked"]),
    ActionCase(
        name: "authorize: revoked as a refresh saw it", desired: cal, state: converged,
        observed: ObservedProvider(isCredentialRevoked: true), expected: ["authorize:credential_revoked"]),
    ActionCase(
        name: "authorize: not for a disabled provider",
        desired: Fixture.spec("acme/cal", enabled: false),
        state: state {
            $0.applied.enabled = false
            $0.isActive = false
            $0.credential = .none
        },
        expected: []),
    // register_webhook
    ActionCase(
        name: "register_webhook: none recorded", desired: cal, state: state { $0.webhook = nil },
        expected: ["register_webhook:webhook_missing"]),
    ActionCase(
        name: "register_webhook: recorded but dead", desired: cal, state: state { $0.webhook?.isAlive = false },
        expected: ["register_webhook:webhook_missing"]),
    ActionCase(
        name: "register_webhook: a refresh found it gone", desired: cal, state: converged,
        observed: ObservedProvider(isWebhookMissing: true), expected: ["register_webhook:webhook_missing"]),
    ActionCase(
        name: "register_webhook: not without a webhook base URL", desired: cal, state: state { $0.webhook = nil },
        webhooks: false, expected: []),
    // renew_webhook
    ActionCase(
        name: "renew_webhook: expires within the window", desired: cal,
        state: state { $0.webhook?.expiresAt = Fixture.minutes(120) }, expected: ["renew_webhook:webhook_expiring"]),
    ActionCase(
        name: "renew_webhook: expires exactly at the window's end", desired: cal,
        state: state { $0.webhook?.expiresAt = Fixture.minutes(24 * 60) }, expected: ["renew_webhook:webhook_expiring"]),
    ActionCase(
        name: "renew_webhook: not a second past the window", desired: cal,
        state: state { $0.webhook?.expiresAt = Fixture.now.addingTimeInterval(86400 + 1) }, expected: []),
    ActionCase(
        name: "renew_webhook: already expired", desired: cal,
        state: state { $0.webhook?.expiresAt = Fixture.minutes(-5) }, expected: ["renew_webhook:webhook_expiring"]),
    // sync
    ActionCase(
        name: "sync: never synced", desired: cal, state: state { $0.lastSync = nil },
        expected: ["sync:interval_elapsed"]),
    ActionCase(
        name: "sync: interval elapsed exactly", desired: cal,
        state: state { $0.lastSync = LastSync(at: Fixture.minutes(-15), result: .succeeded) },
        expected: ["sync:interval_elapsed"]),
    ActionCase(
        name: "sync: not a second before the interval", desired: cal,
        state: state { $0.lastSync = LastSync(at: Fixture.now.addingTimeInterval(-899), result: .succeeded) },
        expected: []),
    ActionCase(
        name: "sync: notification pending", desired: cal, state: state { $0.isNotificationPending = true },
        expected: ["sync:notification_pending"]),
    ActionCase(
        name: "sync: cursor expired in state", desired: cal, state: state { $0.isCursorExpired = true },
        expected: ["sync:cursor_expired"]),
    ActionCase(
        name: "sync: cursor expired as a refresh saw it", desired: cal, state: converged,
        observed: ObservedProvider(isCursorExpired: true), expected: ["sync:cursor_expired"]),
    ActionCase(
        name: "sync: cursor expired wins over a pending notification", desired: cal,
        state: state {
            $0.isCursorExpired = true
            $0.isNotificationPending = true
        },
        expected: ["sync:cursor_expired"]),
    ActionCase(
        name: "sync: calendar not found resyncs in full", desired: cal, state: converged,
        observed: ObservedProvider(isCalendarMissing: true), expected: ["sync:cursor_expired"]),
    ActionCase(
        name: "sync: not while consent is missing", desired: cal,
        state: state {
            $0.credential = .none
            $0.lastSync = nil
        },
        expected: ["authorize:never_authorized"]),
    // delete
    ActionCase(
        name: "delete: removed from manifests", desired: nil, state: converged,
        expected: ["delete:removed_from_manifests"]),
    ActionCase(
        name: "delete: protect is the executor's to refuse", desired: nil,
        state: Fixture.converged(Fixture.spec("acme/cal", protect: true)), expected: ["delete:removed_from_manifests"]),
    // disable
    ActionCase(
        name: "disable: enabled false while active", desired: Fixture.spec("acme/cal", enabled: false),
        state: state { $0.applied.enabled = false }, expected: ["disable:disabled"]),
    ActionCase(
        name: "disable: with the update that turns enabled off", desired: Fixture.spec("acme/cal", enabled: false),
        state: converged, expected: ["update:spec_changed", "disable:disabled"]),
    ActionCase(
        name: "disable: a disabled provider needs nothing else", desired: Fixture.spec("acme/cal", enabled: false),
        state: state {
            $0.applied.enabled = false
            $0.credential = .revoked
            $0.isCursorExpired = true
        },
        expected: ["disable:disabled"]),
    // nothing
    ActionCase(name: "converged: nothing to do", desired: cal, state: converged, expected: []),
    ActionCase(
        name: "converged: polling without webhooks", desired: cal, state: state { $0.webhook = nil }, webhooks: false,
        expected: []),
]

@Test(arguments: actionCases)
func plansTheActionsOfTheSpecTable(_ row: ActionCase) {
    // Given one provider in the manifests and/or the state
    let desired = DesiredState(providers: row.desired.map { [$0] } ?? [])
    let snapshot = StateSnapshot(serial: 7, providers: row.state.map { [$0] } ?? [])
    let observed = row.observed.map { ObservedState(providers: [Fixture.ref("acme/cal"): $0]) }

    // When planning
    let plan = Fixture.plan(desired, snapshot, observed: observed, webhooks: row.webhooks)

    // Then exactly the expected actions, in order
    #expect(plan.actions.map(\.short) == row.expected)
    #expect(plan.actions.allSatisfy { $0.ref == Fixture.ref("acme/cal") })
}

@Test func everyActionKindAndReasonIsCovered() {
    let shorts = Set(actionCases.flatMap(\.expected))
    for kind in ActionKind.allCases {
        #expect(shorts.contains { $0.hasPrefix(kind.rawValue + ":") }, "no case plans \(kind.rawValue)")
    }
    for reason in ActionReason.allCases {
        #expect(shorts.contains { $0.hasSuffix(":" + reason.rawValue) }, "no case gives \(reason.rawValue)")
    }
}

@Test func updateListsEveryChangedFieldAsManifestsWriteThem() {
    // Given every provider field changed
    let before = cal
    let after = ProviderSpec(
        ref: cal.ref, displayName: "Team calendar", vendor: .microsoft, calendarId: "calendar",
        syncDirection: .toExternal, enabled: false, conflictPolicy: .preferLocal,
        window: SyncWindow(pastDays: 7, futureDays: 90), syncInterval: .minutes(90), maxDeletesPerSync: 10,
        protect: true)

    // When planning
    let plan = Fixture.plan(DesiredState(providers: [after]), StateSnapshot(providers: [Fixture.converged(before)]))

    // Then the update names each field, in manifest order, with manifest spellings
    let update = plan.actions.first { $0.action == .update }
    #expect(
        update?.changes == [
            FieldChange(field: "displayName", from: "cal", to: "Team calendar"),
            FieldChange(field: "vendor", from: "google", to: "microsoft"),
            FieldChange(field: "calendarId", from: "primary", to: "calendar"),
            FieldChange(field: "syncDirection", from: "bidirectional", to: "to_external"),
            FieldChange(field: "enabled", from: "true", to: "false"),
            FieldChange(field: "conflictPolicy", from: "manual", to: "prefer_local"),
            FieldChange(field: "window.pastDays", from: "30", to: "7"),
            FieldChange(field: "window.futureDays", from: "365", to: "90"),
            FieldChange(field: "syncInterval", from: "15m", to: "1h30m"),
            FieldChange(field: "maxDeletesPerSync", from: "50", to: "10"),
            FieldChange(field: "protect", from: "false", to: "true"),
        ])
}

@Test func planCarriesSerialDigestAndTheSecondItWasMade() {
    // Given a clock with a fraction of a second
    let desired = DesiredState(providers: [cal])
    let now = Fixture.now.addingTimeInterval(0.75)

    // When planning
    let plan = Fixture.plan(desired, StateSnapshot(serial: 42), now: now)

    // Then the plan is stamped to the second and tied to the serial and the manifests
    #expect(plan.stateSerial == 42)
    #expect(plan.createdAt == Fixture.now)
    #expect(plan.manifestDigest == ManifestDigest.digest(of: desired))
    #expect(plan.desired == desired)
    #expect(plan.formatVersion == Plan.currentFormatVersion)
}
