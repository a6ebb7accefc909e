import CalsyncModel
import Foundation

/// The pure planner: desired state against actual state gives a plan (SPEC section 5).
///
/// It reads nothing and writes nothing: every input is a parameter, so the same inputs always give the
/// same plan. Rules, per provider:
/// - in the manifests, not in state: `create`; when enabled also `authorize`, since a new provider has
///   no credential;
/// - in both: `update` when the applied spec differs, `disable` when `enabled: false` but still active;
///   when enabled, `authorize` without a usable credential, else webhook upkeep and `sync` when due;
/// - in state, not in the manifests: `delete` with its blast radius. `protect` is the executor's to
///   refuse, so a protected provider's delete is still planned and shown.
///
/// Drift found in the state or by a refresh is attached to every action of its provider. Drift on a
/// provider that has no action (a disabled one) is not shown: nothing would repair it.
public enum Planner {
    /// Plans what `apply` would do to bring the state to the manifests.
    ///
    /// - Parameters:
    ///   - desired: The normalized manifests.
    ///   - snapshot: The state, read in one transaction.
    ///   - observed: What a refresh read from the vendors, or nil with `--no-refresh`.
    ///   - now: The clock's time; the plan is stamped with it, to the second.
    ///   - options: Webhook settings.
    /// - Returns: The actions ordered by tenant, provider name, then `ActionKind.order`, with tenant and
    ///   channel changes.
    public static func plan(
        desired: DesiredState, snapshot: StateSnapshot, observed: ObservedState?, now: Date,
        options: PlanOptions = PlanOptions()
    ) -> Plan {
        let applied = Dictionary(snapshot.providers.map { ($0.ref, $0) }, uniquingKeysWith: { first, _ in first })
        let wanted = Dictionary(desired.providers.map { ($0.ref, $0) }, uniquingKeysWith: { first, _ in first })
        let refs = Set(applied.keys).union(wanted.keys).sorted()

        var actions: [PlannedAction] = []
        for ref in refs {
            let state = applied[ref]
            let provider = ProviderPlanner(
                ref: ref, desired: wanted[ref], state: state, observed: observed?.providers[ref], now: now,
                options: options, entriesKept: entryCount(of: ref.tenant, in: snapshot))
            actions += provider.actions()
        }

        return Plan(
            stateSerial: snapshot.serial,
            manifestDigest: ManifestDigest.digest(of: desired),
            createdAt: Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)),
            actions: actions,
            tenants: ObjectChanges.tenants(desired: desired.tenants, applied: snapshot.tenants.map(\.applied)),
            channels: ObjectChanges.channels(desired: desired.channels, applied: snapshot.channels),
            desired: desired)
    }

    private static func entryCount(of tenant: TenantName, in snapshot: StateSnapshot) -> Int {
        snapshot.tenants.first { $0.name == tenant }?.entryCount ?? 0
    }
}
