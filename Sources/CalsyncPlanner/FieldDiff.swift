import CalsyncModel

/// Field-by-field differences between an applied spec and a desired one, rendered as manifests write them.
///
/// Field names are the manifest paths (`window.pastDays`, `oauthApps.google.clientSecret`); values are
/// the manifest spellings (`15m`, `to_external`, `true`); secrets appear only as their references
/// (`env:NAME`, `file:PATH`); an absent optional field is nil.
enum FieldDiff {
    /// The fields of `to` whose value differs from `from`, in manifest order.
    static func changes(_ from: ProviderSpec, _ to: ProviderSpec) -> [FieldChange] {
        diff(fields(of: from), fields(of: to))
    }

    /// The fields of `to` whose value differs from `from`, in manifest order.
    static func changes(_ from: TenantSpec, _ to: TenantSpec) -> [FieldChange] {
        diff(fields(of: from), fields(of: to))
    }

    /// The fields of `to` whose value differs from `from`, in manifest order.
    static func changes(_ from: ChannelSpec, _ to: ChannelSpec) -> [FieldChange] {
        diff(fields(of: from), fields(of: to))
    }

    private typealias Field = (name: String, value: String?)

    private static func diff(_ from: [Field], _ to: [Field]) -> [FieldChange] {
        zip(from, to).compactMap { old, new in
            old.value == new.value ? nil : FieldChange(field: new.name, from: old.value, to: new.value)
        }
    }

    private static func fields(of spec: ProviderSpec) -> [Field] {
        [
            ("displayName", spec.displayName),
            ("vendor", spec.vendor.rawValue),
            ("calendarId", spec.calendarId),
            ("syncDirection", spec.syncDirection.rawValue),
            ("enabled", String(spec.enabled)),
            ("conflictPolicy", spec.conflictPolicy.rawValue),
            ("window.pastDays", String(spec.window.pastDays)),
            ("window.futureDays", String(spec.window.futureDays)),
            ("syncInterval", spec.syncInterval.description),
            ("maxDeletesPerSync", String(spec.maxDeletesPerSync)),
            ("protect", String(spec.protect)),
        ]
    }

    private static func fields(of spec: TenantSpec) -> [Field] {
        var fields: [Field] = [("displayName", spec.displayName)]
        for vendor in Vendor.allCases {
            let app = spec.oauthApps[vendor]
            let prefix = "oauthApps.\(vendor.rawValue)"
            fields += [
                ("\(prefix).clientId", app?.clientId),
                ("\(prefix).clientSecret", app?.clientSecret?.description),
                ("\(prefix).redirectUri", app?.redirectUri),
                ("\(prefix).webRedirectUri", app?.webRedirectUri),
                ("\(prefix).directoryTenant", app?.directoryTenant),
            ]
        }
        fields.append(("apiToken", spec.apiToken?.description))
        return fields
    }

    private static func fields(of spec: ChannelSpec) -> [Field] {
        let tenants: String
        switch spec.tenants {
        case .all: tenants = "*"
        case .only(let names): tenants = names.map(\.rawValue).joined(separator: ", ")
        }
        return [
            ("type", spec.type.rawValue),
            ("url", spec.url.description),
            ("secret", spec.secret?.description),
            ("events", spec.events.map(\.rawValue).joined(separator: ", ")),
            ("tenants", tenants),
        ]
    }
}
