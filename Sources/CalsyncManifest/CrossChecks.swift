import CalsyncModel

/// The checks that look at all documents together: duplicates, references between kinds.
enum CrossChecks {
    static func run(_ documents: [(ManifestDocument, file: String)]) -> (desired: DesiredState, diagnostics: [Diagnostic]) {
        var diagnostics: [Diagnostic] = []
        var tenants: [TenantName: (TenantSpec, SourceLocation)] = [:]
        var providers: [ProviderRef: (ProviderSpec, SourceLocation)] = [:]
        var channels: [ChannelName: (ChannelSpec, SourceLocation)] = [:]
        var providerChecks: [(ProviderSpec, tenant: SourceLocation, vendor: SourceLocation)] = []
        var channelChecks: [(ChannelSpec, [Located<TenantName>])] = []

        func duplicate(_ code: DiagnosticCode, _ noun: String, _ name: String, at location: SourceLocation,
                       first: SourceLocation) -> Diagnostic {
            Diagnostic(
                code, at: location, what: "\(noun) \"\(name)\" is declared twice (first at \(first))",
                why: "\(noun) names are unique\(noun == "provider" ? " within their tenant" : "")",
                fix: "Rename or remove one of them")
        }

        for (document, file) in documents {
            switch document {
            case .tenant(let spec, let at):
                if let first = tenants[spec.name] {
                    diagnostics.append(duplicate(.duplicateTenant, "tenant", spec.name.rawValue, at: at, first: first.1))
                } else {
                    tenants[spec.name] = (spec, at)
                }
            case .provider(let spec, let at, let tenantAt, let vendorAt):
                if let first = providers[spec.ref] {
                    diagnostics.append(
                        duplicate(.duplicateProvider, "provider", spec.ref.description, at: at, first: first.1))
                } else {
                    providers[spec.ref] = (spec, at)
                    providerChecks.append((spec, tenantAt, vendorAt))
                }
            case .channel(let spec, let at, let named):
                if let first = channels[spec.name] {
                    diagnostics.append(duplicate(.duplicateChannel, "channel", spec.name.rawValue, at: at, first: first.1))
                } else {
                    channels[spec.name] = (spec, at)
                    channelChecks.append((spec, named))
                }
            case .config(_, let at):
                diagnostics.append(
                    Diagnostic(
                        .misplacedConfig, at: SourceLocation(file: file, line: at.line, column: at.column),
                        what: "a Config document among the manifests",
                        why: "global settings are read from calsync.yaml or --config, never from manifest paths",
                        fix: "Move it to calsync.yaml, or name it with --config"))
            }
        }
        for (provider, tenantAt, vendorAt) in providerChecks {
            guard let (tenant, _) = tenants[provider.ref.tenant] else {
                diagnostics.append(
                    Diagnostic(
                        .undeclaredTenant, at: tenantAt,
                        what: "provider \"\(provider.ref)\" names tenant \"\(provider.ref.tenant)\", which no manifest declares",
                        why: "a provider belongs to a declared tenant",
                        fix: closest(to: provider.ref.tenant, in: tenants.keys).map { "Did you mean \"\($0)\"?" }
                            ?? "Declare a Tenant named \"\(provider.ref.tenant)\", or correct metadata.tenant"))
                continue
            }
            if tenant.oauthApps[provider.vendor] == nil {
                diagnostics.append(
                    Diagnostic(
                        .missingOAuthApp, at: vendorAt,
                        what: "provider \"\(provider.ref)\" uses \(provider.vendor.rawValue), but tenant \"\(tenant.name)\" has no \(provider.vendor.rawValue) OAuth app",
                        why: "a provider is authorized through its tenant's OAuth app for its vendor",
                        fix: "Add spec.oauthApps.\(provider.vendor.rawValue) to tenant \"\(tenant.name)\""))
            }
        }
        for (channel, named) in channelChecks {
            for tenant in named where tenants[tenant.value] == nil {
                diagnostics.append(
                    Diagnostic(
                        .undeclaredTenant, at: tenant.location,
                        what: "channel \"\(channel.name)\" names tenant \"\(tenant.value)\", which no manifest declares",
                        why: "a channel's tenants are declared tenants or \"*\"",
                        fix: closest(to: tenant.value, in: tenants.keys).map { "Did you mean \"\($0)\"?" }
                            ?? "Declare the tenant, or remove it from spec.tenants"))
            }
        }
        let desired = DesiredState(
            tenants: tenants.values.map(\.0), providers: providers.values.map(\.0), channels: channels.values.map(\.0))
        return (desired, diagnostics)
    }
}

/// The declared name nearest to a mistyped one, when it is near enough to suggest.
func closest(to name: TenantName, in names: some Sequence<TenantName>) -> TenantName? {
    let scored = names.map { ($0, editDistance($0.rawValue, name.rawValue)) }.filter { $0.1 <= 2 }
    return scored.min { ($0.1, $0.0) < ($1.1, $1.0) }?.0
}
