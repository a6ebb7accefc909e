import CalsyncModel
import Foundation

/// What `apply` would leave in the state, reduced to what the planner reads: a model of the executor.
enum PlanApplier {
    /// Applies the actions that need no person and no vendor: create, update, disable, delete, tenants, channels.
    static func applyRecorded(_ plan: Plan, to snapshot: StateSnapshot) -> StateSnapshot {
        let specs = Dictionary(uniqueKeysWithValues: plan.desired.providers.map { ($0.ref, $0) })
        var providers = Dictionary(uniqueKeysWithValues: snapshot.providers.map { ($0.ref, $0) })
        for action in plan.actions {
            let ref = action.ref
            switch action.action {
            case .create:
                if let spec = specs[ref] {
                    providers[ref] = ProviderState(ref: ref, applied: spec, isActive: spec.enabled)
                }
            case .update:
                guard var state = providers[ref], let spec = specs[ref] else { continue }
                state.applied = spec
                state.generation += 1
                if spec.enabled { state.isActive = true }
                providers[ref] = state
            case .disable:
                providers[ref]?.isActive = false
            case .delete:
                providers[ref] = nil
            case .authorize, .registerWebhook, .renewWebhook, .sync:
                continue
            }
        }
        let entries = Dictionary(uniqueKeysWithValues: snapshot.tenants.map { ($0.name, $0.entryCount) })
        return StateSnapshot(
            serial: snapshot.serial + 1,
            tenants: plan.desired.tenants.map { TenantState(applied: $0, entryCount: entries[$0.name] ?? 0) },
            providers: Array(providers.values), channels: plan.desired.channels)
    }

    /// Applies the actions a person or a vendor completes: consent given, webhooks live, syncs done at `now`.
    static func applyVendor(_ plan: Plan, to snapshot: StateSnapshot, now: Date) -> StateSnapshot {
        var providers = Dictionary(uniqueKeysWithValues: snapshot.providers.map { ($0.ref, $0) })
        for action in plan.actions {
            guard var state = providers[action.ref] else { continue }
            switch action.action {
            case .authorize:
                state.credential = .valid
            case .registerWebhook, .renewWebhook:
                state.webhook = WebhookState(id: "ch-\(action.provider)", expiresAt: now.addingTimeInterval(7 * 86400))
            case .sync:
                state.lastSync = LastSync(at: now, result: .succeeded)
                state.isCursorExpired = false
                state.isNotificationPending = false
            case .create, .update, .disable, .delete:
                continue
            }
            providers[action.ref] = state
        }
        var next = snapshot
        next.providers = providers.values.sorted { $0.ref < $1.ref }
        next.serial += 1
        return next
    }
}
