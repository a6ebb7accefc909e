import CalsyncModel
import Foundation
import GRDB

/// Tenants as last applied, read without the rest of the snapshot.
extension SQLiteStateStore {
    /// The tenant `name` as last applied, if the manifests still declare it.
    public func declaredTenant(_ name: TenantName) throws -> TenantSpec? {
        try read { db in
            try String.fetchOne(db, sql: "SELECT spec FROM tenant WHERE name = ? AND isDeclared = 1", arguments: [name.rawValue])
                .map { try Self.decode(TenantSpec.self, $0) }
        }
    }

    /// Every tenant the manifests still declare, as last applied, ordered by name.
    public func declaredTenants() throws -> [TenantSpec] {
        try read { db in
            try String.fetchAll(db, sql: "SELECT spec FROM tenant WHERE isDeclared = 1 ORDER BY name").map {
                try Self.decode(TenantSpec.self, $0)
            }
        }
    }

    /// The provider `ref` as the state records it, if it does.
    public func providerState(_ ref: ProviderRef) throws -> ProviderState? {
        try read { db in
            try String.fetchOne(
                db, sql: "SELECT state FROM provider WHERE tenant = ? AND name = ?",
                arguments: [ref.tenant.rawValue, ref.provider.rawValue]
            ).map { try Self.decode(ProviderState.self, $0) }
        }
    }
}
