import CalsyncModel

/// The `tenant` and `channel` lines of a plan: objects `apply` records, changes or removes.
///
/// A `create` or `delete` carries no field changes (the manifests say what is created); an `update`
/// carries the fields that differ.
enum ObjectChanges {
    /// Tenant changes, sorted by name.
    static func tenants(desired: [TenantSpec], applied: [TenantSpec]) -> [ObjectChange] {
        changes(desired: desired, applied: applied, name: \.name.rawValue, diff: FieldDiff.changes)
    }

    /// Channel changes, sorted by name.
    static func channels(desired: [ChannelSpec], applied: [ChannelSpec]) -> [ObjectChange] {
        changes(desired: desired, applied: applied, name: \.name.rawValue, diff: FieldDiff.changes)
    }

    private static func changes<Spec: Equatable>(
        desired: [Spec], applied: [Spec], name: (Spec) -> String, diff: (Spec, Spec) -> [FieldChange]
    ) -> [ObjectChange] {
        let old = Dictionary(applied.map { (name($0), $0) }, uniquingKeysWith: { first, _ in first })
        let new = Dictionary(desired.map { (name($0), $0) }, uniquingKeysWith: { first, _ in first })
        return Set(old.keys).union(new.keys).sorted().compactMap { key in
            switch (old[key], new[key]) {
            case (nil, .some): return ObjectChange(name: key, change: .create)
            case (.some, nil): return ObjectChange(name: key, change: .delete)
            case (let before?, let after?) where before != after:
                return ObjectChange(name: key, change: .update, changes: diff(before, after))
            default: return nil
            }
        }
    }
}
