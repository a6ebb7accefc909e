import CalsyncModel

/// The words every view of a plan shares: the summary lines and each action's explanation.
enum PlanSummary {
    /// Kinds in the order the summary line names them.
    static let summaryOrder: [ActionKind] = [
        .create, .update, .authorize, .sync, .registerWebhook, .renewWebhook, .disable, .delete,
    ]

    /// `Plan: 1 to create, 2 to sync, 1 webhook to register.`, or `Plan: no changes.` for an empty plan.
    ///
    /// A plan whose only changes are tenant or channel lines says `Plan: no provider actions.`
    static func line(_ plan: Plan) -> String {
        var counts: [ActionKind: Int] = [:]
        for action in plan.actions { counts[action.action, default: 0] += 1 }
        let parts = summaryOrder.compactMap { kind -> String? in
            guard let count = counts[kind], count > 0 else { return nil }
            return phrase(kind, count)
        }
        if !parts.isEmpty { return "Plan: \(parts.joined(separator: ", "))." }
        return plan.tenants.isEmpty && plan.channels.isEmpty ? "Plan: no changes." : "Plan: no provider actions."
    }

    /// `Tenants: 1 to create, 1 to update.` and `Channels: …`, each only when it has changes.
    static func objectLines(_ plan: Plan) -> [String] {
        [("Tenants", plan.tenants), ("Channels", plan.channels)].compactMap { label, changes in
            guard !changes.isEmpty else { return nil }
            let parts = [ObjectChange.Change.create, .update, .delete].compactMap { change -> String? in
                let count = changes.count(where: { $0.change == change })
                return count == 0 ? nil : "\(count) to \(change.rawValue)"
            }
            return "\(label): \(parts.joined(separator: ", "))."
        }
    }

    private static func phrase(_ kind: ActionKind, _ count: Int) -> String {
        switch kind {
        case .registerWebhook: return "\(count) \(count == 1 ? "webhook" : "webhooks") to register"
        case .renewWebhook: return "\(count) \(count == 1 ? "webhook" : "webhooks") to renew"
        default: return "\(count) to \(kind.rawValue)"
        }
    }

    /// The command a person runs to give consent: `calsync authorize acme/google-main`.
    static func authorizeCommand(_ action: PlannedAction) -> String { "calsync authorize \(action.ref)" }

    /// `1 webhook removed, 120 mappings dropped, 40 entries kept, 120 vendor events kept, sync halted`.
    static func blastRadius(_ radius: BlastRadius) -> String {
        [
            count(radius.webhooks, "webhook", "webhooks") + " removed",
            count(radius.mappings, "mapping", "mappings") + " dropped",
            count(radius.entriesKept, "entry", "entries") + " kept",
            count(radius.vendorEventsKept, "vendor event", "vendor events") + " kept",
            "sync halted",
        ].joined(separator: ", ")
    }

    private static func count(_ n: Int, _ one: String, _ many: String) -> String { "\(n) \(n == 1 ? one : many)" }

    /// The actions grouped by tenant, tenants in order, with the tenants that only have a tenant line.
    static func tenantGroups(_ plan: Plan) -> [(tenant: String, change: ObjectChange?, actions: [PlannedAction])] {
        var actionsByTenant: [String: [PlannedAction]] = [:]
        for action in plan.actions { actionsByTenant[action.tenant.rawValue, default: []].append(action) }
        let changeByTenant = Dictionary(plan.tenants.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let names = Set(actionsByTenant.keys).union(changeByTenant.keys).sorted()
        return names.map { ($0, changeByTenant[$0], actionsByTenant[$0] ?? []) }
    }
}
