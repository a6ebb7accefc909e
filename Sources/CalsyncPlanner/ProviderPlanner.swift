import CalsyncModel
import Foundation

/// The actions of one provider: the planner's rules for a single `ProviderRef`.
struct ProviderPlanner {
    var ref: ProviderRef
    /// The spec in the manifests; nil when the provider was removed from them.
    var desired: ProviderSpec?
    /// What the state records; nil when the provider is new.
    var state: ProviderState?
    /// What a refresh saw; nil when not checked.
    var observed: ObservedProvider?
    var now: Date
    var options: PlanOptions
    /// The tenant's entries, kept when the provider is deleted.
    var entriesKept: Int

    /// The provider's actions in `ActionKind.order`, each carrying the provider's drift.
    func actions() -> [PlannedAction] {
        let drift = self.drift()
        return steps()
            .sorted { $0.kind.order < $1.kind.order }
            .map { step in
                PlannedAction(
                    tenant: ref.tenant, provider: ref.provider, action: step.kind, reason: step.reason,
                    changes: step.changes, blastRadius: step.blastRadius, drift: drift, refusal: step.refusal)
            }
    }

    /// One planned step before the provider's drift is attached.
    private struct Step {
        var kind: ActionKind
        var reason: ActionReason
        var changes: [FieldChange] = []
        var blastRadius: BlastRadius?
        var refusal: String?
    }

    private func steps() -> [Step] {
        switch (desired, state) {
        case (let desired?, nil):
            var steps = [Step(kind: .create, reason: .new)]
            if desired.enabled { steps.append(Step(kind: .authorize, reason: .neverAuthorized)) }
            return steps
        case (let desired?, let state?):
            return steps(desired: desired, state: state)
        case (nil, let state?):
            let refusal = state.applied.protect
                ? "protect: true as last applied; set protect: false and apply once, then remove it" : nil
            return [
                Step(kind: .delete, reason: .removedFromManifests, blastRadius: blastRadius(of: state), refusal: refusal)
            ]
        case (nil, nil):
            return []
        }
    }

    private func steps(desired: ProviderSpec, state: ProviderState) -> [Step] {
        var steps: [Step] = []
        if state.applied != desired {
            steps.append(Step(kind: .update, reason: .specChanged, changes: FieldDiff.changes(state.applied, desired)))
        }
        if !desired.enabled {
            if state.isActive { steps.append(Step(kind: .disable, reason: .disabled)) }
            return steps
        }
        // An update that turns `enabled` back on makes the provider active again.
        guard state.isActive || !state.applied.enabled else { return steps }

        if isCredentialRevoked(state) {
            steps.append(Step(kind: .authorize, reason: .credentialRevoked))
            return steps
        }
        if state.credential != .valid {
            steps.append(Step(kind: .authorize, reason: .neverAuthorized))
            return steps
        }
        if let webhook = webhookStep(state) { steps.append(webhook) }
        if let reason = syncReason(desired: desired, state: state) { steps.append(Step(kind: .sync, reason: reason)) }
        return steps
    }

    private func isCredentialRevoked(_ state: ProviderState) -> Bool {
        state.credential == .revoked || observed?.isCredentialRevoked == true
    }

    private func isWebhookGone(_ webhook: WebhookState) -> Bool {
        !webhook.isAlive || observed?.isWebhookMissing == true
    }

    private func isCursorExpired(_ state: ProviderState) -> Bool {
        state.isCursorExpired || observed?.isCursorExpired == true
    }

    private func webhookStep(_ state: ProviderState) -> Step? {
        guard options.webhooksEnabled else { return nil }
        guard let webhook = state.webhook, !isWebhookGone(webhook) else {
            return Step(kind: .registerWebhook, reason: .webhookMissing)
        }
        let renewBy = now.addingTimeInterval(TimeInterval(options.webhookRenewBefore.seconds))
        return webhook.expiresAt <= renewBy ? Step(kind: .renewWebhook, reason: .webhookExpiring) : nil
    }

    /// Why a sync is due, or nil when it is not.
    ///
    /// A calendar the vendor no longer serves is synced like an expired cursor: a full resync either finds
    /// the calendar again or fails with the vendor's 404 on the provider's card, which tells the operator
    /// to fix `calendarId`.
    private func syncReason(desired: ProviderSpec, state: ProviderState) -> ActionReason? {
        if isCursorExpired(state) || observed?.isCalendarMissing == true { return .cursorExpired }
        if state.isNotificationPending { return .notificationPending }
        guard let last = state.lastSync else { return .intervalElapsed }
        let elapsed = now.timeIntervalSince(last.at)
        return elapsed >= TimeInterval(desired.syncInterval.seconds) ? .intervalElapsed : nil
    }

    private func blastRadius(of state: ProviderState) -> BlastRadius {
        BlastRadius(
            webhooks: state.webhook == nil ? 0 : 1, mappings: state.mappingCount, entriesKept: entriesKept,
            vendorEventsKept: state.mappingCount)
    }

    /// Where the vendor disagrees with the state, from the state's own flags and from a refresh.
    ///
    /// `calendar_not_found` is repaired by `sync` (see `syncReason`); the sync is planned whenever the
    /// provider is enabled and authorized, so this drift always shows on such a provider.
    private func drift() -> [Drift] {
        guard let state else { return [] }
        var drift: [Drift] = []
        if isCredentialRevoked(state) {
            drift.append(
                Drift(
                    kind: .credentialRevoked, detail: "the OAuth credential was revoked or refused with invalid_grant",
                    repair: .authorize))
        }
        if let observed, observed.isCalendarMissing {
            drift.append(
                Drift(
                    kind: .calendarNotFound, detail: "calendar \"\(state.applied.calendarId)\" answered 404",
                    repair: .sync))
        }
        if let webhook = state.webhook, isWebhookGone(webhook) {
            drift.append(
                Drift(
                    kind: .webhookMissing, detail: "webhook \(webhook.id) is no longer active at the vendor",
                    repair: .registerWebhook))
        }
        if isCursorExpired(state) {
            drift.append(
                Drift(kind: .cursorExpired, detail: "the sync cursor expired; a full resync follows", repair: .sync))
        }
        return drift
    }
}
