import CalsyncModel
import Foundation

/// Applies a plan to the state, one provider at a time, each provider's changes in one transaction.
///
/// Apply follows the plan: it never re-plans and never reads `reason`. One provider's failure is
/// recorded on that provider and does not stop the others.
public struct Executor: Sendable {
    /// How the run treats deletes.
    public struct Options: Sendable {
        /// Deletes run only when allowed (a saved plan or `reconcile` allows them).
        public var allowDelete: Bool
        /// More provider deletes than this in one run delete nothing; nil for no budget.
        public var maxProviderDeletes: Int?

        public init(allowDelete: Bool, maxProviderDeletes: Int? = nil) {
            self.allowDelete = allowDelete
            self.maxProviderDeletes = maxProviderDeletes
        }
    }

    public let store: any StateStore
    public let vendor: (any VendorActions)?
    public let now: Date

    public init(store: any StateStore, vendor: (any VendorActions)?, now: Date) {
        self.store = store
        self.vendor = vendor
        self.now = now
    }

    /// Applies `plan` against `snapshot` (the state it was made from).
    /// - Parameter observed: What a refresh read from the vendors: a refused grant is recorded as
    ///   revoked, a calendar error as the provider's error, a calendar that answered clears it.
    public func apply(
        _ plan: Plan, snapshot: StateSnapshot, observed: ObservedState = ObservedState(), options: Options
    ) async throws -> ApplyReport {
        var report = ApplyReport()
        let desiredTenants = Dictionary(uniqueKeysWithValues: plan.desired.tenants.map { ($0.name, $0) })
        for change in plan.tenants where change.change != .delete {
            guard let name = TenantName(rawValue: change.name), let spec = desiredTenants[name] else { continue }
            try store.apply(.recordTenant(spec))
        }
        let desiredChannels = Dictionary(uniqueKeysWithValues: plan.desired.channels.map { ($0.name, $0) })
        for change in plan.channels {
            guard let name = ChannelName(rawValue: change.name) else { continue }
            if change.change == .delete {
                try store.apply(.removeChannel(name))
            } else if let spec = desiredChannels[name] {
                try store.apply(.recordChannel(spec))
            }
        }

        let states = Dictionary(uniqueKeysWithValues: snapshot.providers.map { ($0.ref, $0) })
        let specs = Dictionary(uniqueKeysWithValues: plan.desired.providers.map { ($0.ref, $0) })
        let cards = try store.cards()
        let deletes = plan.actions.filter { $0.action == .delete && states[$0.ref]?.applied.protect != true }
        let overBudget = options.maxProviderDeletes.map { deletes.count > $0 } ?? false

        var byProvider: [(ProviderRef, [PlannedAction])] = []
        for action in plan.actions {
            if let last = byProvider.last, last.0 == action.ref {
                byProvider[byProvider.count - 1].1.append(action)
            } else {
                byProvider.append((action.ref, [action]))
            }
        }
        let planned = Set(byProvider.map(\.0))
        for ref in observed.providers.keys.sorted() where !planned.contains(ref) && specs[ref] != nil {
            byProvider.append((ref, []))
        }
        for (ref, actions) in byProvider {
            if let delete = actions.first(where: { $0.action == .delete }) {
                if let state = states[ref], state.applied.protect {
                    report.blocked.append(
                        BlockedItem(ref: ref, reason: .protected, fix: "set `protect: false` on it and apply once, then remove it"))
                } else if overBudget {
                    report.blocked.append(
                        BlockedItem(
                            ref: ref, reason: .deleteBudgetExceeded,
                            fix: "\(deletes.count) provider deletes exceed --max-provider-deletes \(options.maxProviderDeletes ?? 0); raise it to confirm"))
                } else if !options.allowDelete {
                    report.blocked.append(
                        BlockedItem(ref: ref, reason: .deleteNotAllowed, fix: "rerun with --allow-delete, or apply a saved plan"))
                } else {
                    if let vendor, let state = states[ref] {
                        let others = snapshot.providers.filter { $0.ref != ref }
                        report.warnings += await vendor.cleanUp(deleting: state, others: others)
                    }
                    try store.apply(.deleteProvider(ref, at: now))
                    report.applied.append(delete)
                }
                continue
            }
            guard let spec = specs[ref] ?? states[ref]?.applied else { continue }
            do {
                try await applyProvider(
                    ref, actions, spec: spec, existing: states[ref], observed: observed.providers[ref],
                    previousCard: cards[ref], into: &report)
            } catch {
                report.failed.append(FailedItem(ref: ref, message: "\(error)"))
            }
        }
        for change in plan.tenants where change.change == .delete {
            guard let name = TenantName(rawValue: change.name) else { continue }
            try store.apply(.retireTenant(name))
        }
        return report
    }

    private func applyProvider(
        _ ref: ProviderRef, _ actions: [PlannedAction], spec: ProviderSpec, existing: ProviderState?,
        observed: ObservedProvider?, previousCard: ProviderCardState?, into report: inout ApplyReport
    ) async throws {
        var state = existing ?? ProviderState(ref: ref, applied: spec)
        var pending: [ActionKind] = []
        if let observed, state.credential == .valid {
            if observed.isCredentialRevoked {
                try revoke(&state, message: observed.error ?? "invalid_grant")
            } else if observed.isCalendarMissing || observed.error != nil {
                state.lastError = observed.error ?? "calendar \"\(spec.calendarId)\" was not found"
            } else {
                state.lastError = nil
            }
        }
        for action in actions {
            switch action.action {
            case .create:
                state.isActive = spec.enabled
                report.applied.append(action)
            case .update:
                if state.applied != spec {
                    state.generation += 1
                    state.applied = spec
                }
                if spec.enabled { state.isActive = true }
                report.applied.append(action)
            case .disable:
                state.isActive = false
                report.applied.append(action)
            case .authorize:
                pending.append(.authorize)
                report.blocked.append(.authorizationRequired(ref))
            case .registerWebhook, .renewWebhook, .sync:
                guard state.credential == .valid else {
                    pending.append(action.action)
                    continue
                }
                do {
                    if let vendor, let next = try await vendor.perform(action, on: state) {
                        state = next
                        report.applied.append(action)
                        if action.action == .sync { reportSync(of: state, into: &report) }
                    } else {
                        pending.append(action.action)
                        report.pending.append(action)
                    }
                } catch let error where AuthorizationFailure.isInvalidGrant(error) {
                    // Blocked below, with every other provider whose credential is revoked.
                    try revoke(&state, message: AuthorizationFailure.vendorMessage(error) ?? "invalid_grant")
                    pending.append(.authorize)
                } catch {
                    state.lastError = VendorErrors.text(error)
                    pending.append(action.action)
                    report.failed.append(FailedItem(ref: ref, message: "\(action.action.rawValue): \(VendorErrors.text(error))"))
                }
            case .delete:
                break
            }
        }
        if state.conflictCount > 0, state.credential == .valid {
            report.blocked.append(
                BlockedItem(
                    ref: ref, reason: .conflictsPending,
                    fix: "\(state.conflictCount) mapping\(state.conflictCount == 1 ? "" : "s") in conflict: run `calsync conflicts list --tenant \(ref.tenant)`, then `calsync conflicts resolve`"))
        }
        if state.credential == .revoked, !report.blocked.contains(where: { $0.ref == ref && $0.reason == .authorizationRequired }) {
            report.blocked.append(.authorizationRequired(ref))
        }
        let card = ProviderCards.card(for: state, pending: pending, previous: previousCard, now: now)
        // A converged provider costs no write transaction at all.
        guard state != existing || card != previousCard else { return }
        try store.apply(.recordProvider(state, card: card))
    }

    /// Records a refused grant: the credential goes, the provider needs `calsync authorize`.
    /// A sync that stopped is a failure of its provider; one over its delete budget waits for a person.
    private func reportSync(of state: ProviderState, into report: inout ApplyReport) {
        switch state.lastSync?.result {
        case .failed?:
            report.failed.append(FailedItem(ref: state.ref, message: "sync: \(state.lastError ?? "the sync failed")"))
        case .deleteBudgetExceeded?:
            report.blocked.append(
                BlockedItem(
                    ref: state.ref, reason: .syncDeleteBudgetExceeded,
                    fix: "raise maxDeletesPerSync (\(state.applied.maxDeletesPerSync)) to confirm the deletions, or restore what was deleted"))
        default:
            break
        }
    }

    private func revoke(_ state: inout ProviderState, message: String) throws {
        try store.apply(.revokeCredential(state.ref, vendorMessage: message, at: now))
        state.credential = .revoked
        state.lastError = message
    }
}
