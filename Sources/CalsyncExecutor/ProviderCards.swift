import CalsyncModel
import Foundation

/// Derives a provider's card state (Ready condition, pending actions) from its state and plan.
public enum ProviderCards {
    /// The card after this run; the transition time of `previous` is kept when status and reason stay.
    public static func card(
        for state: ProviderState, pending: [ActionKind], previous: ProviderCardState?, now: Date
    ) -> ProviderCardState {
        let next = readyCondition(for: state, now: now)
        let ready = previous.map { $0.ready.moved(to: next) } ?? next
        return ProviderCardState(ready: ready, pendingActions: pending)
    }

    static func readyCondition(for state: ProviderState, now: Date) -> Condition {
        func notReady(_ reason: Condition.Reason, _ message: String) -> Condition {
            Condition(status: .false, reason: reason, message: message, lastTransitionTime: now)
        }
        if !state.applied.enabled { return notReady(.disabled, "provider is disabled") }
        if state.credential != .valid {
            return notReady(.authorizationRequired, "run `calsync authorize \(state.ref)`")
        }
        if state.lastSync?.result == .deleteBudgetExceeded {
            return notReady(
                .deleteBudgetExceeded,
                state.lastError ?? "the last sync would delete more than maxDeletesPerSync (\(state.applied.maxDeletesPerSync))")
        }
        if state.conflictCount > 0 {
            return notReady(
                .conflictsPending, "\(state.conflictCount) mapping\(state.conflictCount == 1 ? "" : "s") in conflict")
        }
        if state.lastSync?.result == .failed { return notReady(.syncFailed, state.lastError ?? "the last sync failed") }
        return Condition(status: .true, reason: .converged, message: "up to date", lastTransitionTime: now)
    }

    /// The connection status a card shows.
    public static func connection(for state: ProviderState) -> ConnectionStatus {
        if !state.applied.enabled || !state.isActive { return .disabled }
        if state.credential != .valid { return .pendingAuthorization }
        if state.lastError != nil { return .error }
        return .connected
    }
}
