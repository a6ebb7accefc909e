import CalsyncModel
import Yams

/// Decodes one YAML document into a manifest, reporting every problem it finds to the context.
struct DocumentDecoder {
    let context: DecodeContext

    func decode(_ root: Node) -> ManifestDocument? {
        guard let top = context.fields(
            of: root, path: "", owner: "the document", known: ["apiVersion", "kind", "metadata", "spec"])
        else { return nil }
        guard !top.entries.isEmpty || root.valueKind == .mapping else { return nil }
        if let apiVersion = top.string("apiVersion", required: true, example: manifestAPIVersion),
            apiVersion.value != manifestAPIVersion
        {
            context.report(
                Diagnostic(
                    .unknownAPIVersion, at: apiVersion.location, what: "unknown apiVersion \"\(apiVersion.value)\"",
                    why: "calsync reads \(manifestAPIVersion) only", fix: "Write `apiVersion: \(manifestAPIVersion)`"))
        }
        let kinds = ManifestKind.allCases.map(\.rawValue)
        guard let kindText = top.string("kind", required: true, example: "Tenant") else { return nil }
        guard let kind = ManifestKind(rawValue: kindText.value) else {
            let suggestion = kinds.first { $0.lowercased() == kindText.value.lowercased() }
            context.report(
                Diagnostic(
                    .unknownKind, at: kindText.location, what: "unknown kind \"\(kindText.value)\"",
                    why: "kind is one of \(kinds.joined(separator: ", "))",
                    fix: suggestion.map { "Write `kind: \($0)`" } ?? "Use one of: \(kinds.joined(separator: ", "))"))
            return nil
        }
        switch kind {
        case .tenant: return tenant(top)
        case .calendarProvider: return provider(top)
        case .notificationChannel: return channel(top)
        case .config: return config(top)
        }
    }

    // MARK: - Names

    private func name<Kind: NameKind>(_ fields: Fields, _ key: String, as: Kind.Type, required: Bool = true)
        -> Located<Name<Kind>>?
    {
        guard let text = fields.string(key, required: required, example: "acme") else { return nil }
        guard let name = Name<Kind>(rawValue: text.value) else {
            let suggestion = suggestedLabel(text.value)
            context.report(
                Diagnostic(
                    .invalidName, at: text.location,
                    what: "\(fields.fieldPath(key)) \"\(text.value)\" is not a valid \(Kind.noun) name",
                    why: "a name is \(DNSLabel.rule)",
                    fix: suggestion.map { "Use a name such as \"\($0)\"" } ?? "Use a name such as \"acme\""))
            return nil
        }
        return Located(value: name, location: text.location)
    }

    // MARK: - Tenant

    private func tenant(_ top: Fields) -> ManifestDocument? {
        let owner = "tenant \"\(rawName(top, "name") ?? "?")\""
        let metadata = metadataFields(top, owner: owner, known: ["name"])
        let name = metadata.flatMap { self.name($0, "name", as: TenantNameKind.self) }
        guard let spec = specFields(top, owner: owner, known: ["displayName", "oauthApps", "apiToken"]) else {
            return nil
        }
        let displayName = spec.text("displayName")
        var apps = TenantSpec.OAuthApps()
        if let appsFields = spec.nested("oauthApps", known: Vendor.allCases.map(\.rawValue)) {
            apps.google = appsFields.nested(
                "google", known: ["clientId", "clientSecret", "redirectUri", "webRedirectUri"]
            ).flatMap { oauthApp($0, vendor: .google) }
            apps.microsoft = appsFields.nested(
                "microsoft", known: ["clientId", "clientSecret", "redirectUri", "webRedirectUri", "directoryTenant"]
            ).flatMap { oauthApp($0, vendor: .microsoft) }
        }
        let apiToken = spec.secret("apiToken")
        guard let name else { return nil }
        let tenant = TenantSpec(
            name: name.value, displayName: displayName?.value, oauthApps: apps, apiToken: apiToken?.value)
        return .tenant(tenant, name: name.location)
    }

    private func oauthApp(_ fields: Fields, vendor: Vendor) -> OAuthApp? {
        let clientId = fields.text("clientId", required: true, maxLength: 512, example: "CLIENT_ID")
        let clientSecret = fields.secret("clientSecret", required: vendor == .google)
        let redirectUri = fields.url("redirectUri", required: true, loopbackOnly: true)
        let webRedirectUri = fields.url("webRedirectUri")
        let directoryTenant = vendor == .microsoft ? fields.text("directoryTenant", maxLength: 256) : nil
        guard let clientId, let redirectUri else { return nil }
        guard vendor != .google || clientSecret != nil else { return nil }
        return OAuthApp(
            clientId: clientId.value, clientSecret: clientSecret?.value, redirectUri: redirectUri.value,
            webRedirectUri: webRedirectUri?.value,
            directoryTenant: vendor == .microsoft ? (directoryTenant?.value ?? "common") : nil)
    }

    // MARK: - CalendarProvider

    private func provider(_ top: Fields) -> ManifestDocument? {
        let owner = "provider \"\(rawName(top, "tenant").map { $0 + "/" } ?? "")\(rawName(top, "name") ?? "?")\""
        let metadata = metadataFields(top, owner: owner, known: ["name", "tenant"])
        let name = metadata.flatMap { self.name($0, "name", as: ProviderNameKind.self) }
        let tenant = metadata.flatMap { self.name($0, "tenant", as: TenantNameKind.self) }
        guard
            let spec = specFields(
                top, owner: owner,
                known: [
                    "displayName", "vendor", "calendarId", "syncDirection", "enabled", "conflictPolicy", "window",
                    "syncInterval", "maxDeletesPerSync", "protect",
                ])
        else { return nil }
        let displayName = spec.text("displayName")
        let vendor = spec.choice("vendor", Vendor.self, noun: "vendor", required: true)
        let calendarId = spec.text("calendarId", required: true, maxLength: 1024, example: "primary")
        let direction = spec.choice("syncDirection", SyncDirection.self, noun: "sync direction")
        let enabled = spec.bool("enabled")
        let policy = spec.choice("conflictPolicy", ConflictPolicy.self, noun: "conflict policy")
        var window = SyncWindow()
        if let windowFields = spec.nested("window", known: ["pastDays", "futureDays"]) {
            window.pastDays = windowFields.integer("pastDays", in: SyncWindow.pastDaysRange)?.value ?? window.pastDays
            window.futureDays =
                windowFields.integer("futureDays", in: SyncWindow.futureDaysRange)?.value ?? window.futureDays
        }
        let interval = spec.duration("syncInterval", in: ProviderSpec.syncIntervalRange)
        let maxDeletes = spec.integer("maxDeletesPerSync", in: ProviderSpec.maxDeletesRange)
        let protect = spec.bool("protect")
        guard let name, let tenant, let vendor, let calendarId else { return nil }
        let provider = ProviderSpec(
            ref: ProviderRef(tenant: tenant.value, provider: name.value), displayName: displayName?.value,
            vendor: vendor.value, calendarId: calendarId.value, syncDirection: direction?.value ?? .bidirectional,
            enabled: enabled?.value ?? true, conflictPolicy: policy?.value ?? .manual, window: window,
            syncInterval: interval?.value ?? .minutes(15), maxDeletesPerSync: maxDeletes?.value ?? 50,
            protect: protect?.value ?? false)
        return .provider(provider, name: name.location, tenant: tenant.location, vendor: vendor.location)
    }

    // MARK: - NotificationChannel

    private func channel(_ top: Fields) -> ManifestDocument? {
        let owner = "channel \"\(rawName(top, "name") ?? "?")\""
        let metadata = metadataFields(top, owner: owner, known: ["name"])
        let name = metadata.flatMap { self.name($0, "name", as: ChannelNameKind.self) }
        guard let spec = specFields(top, owner: owner, known: ["type", "url", "secret", "events", "tenants"]) else {
            return nil
        }
        let type = spec.choice("type", ChannelType.self, noun: "channel type", required: true)
        let url = spec.secret("url", required: true)
        let secret = spec.secret("secret")
        if let secret, type?.value == .slack {
            context.report(
                Diagnostic(
                    .invalidValue, at: secret.location, what: "spec.secret of \(owner) is set on a slack channel",
                    why: "only webhook channels sign their requests",
                    fix: "Remove spec.secret, or use `type: webhook`"))
        }
        var events = NotificationEventType.allCases
        if let items = spec.stringList("events") {
            events = []
            for item in items {
                guard let event = NotificationEventType(rawValue: item.value) else {
                    let allowed = NotificationEventType.allCases.map(\.rawValue).joined(separator: ", ")
                    context.report(
                        Diagnostic(
                            .invalidValue, at: item.location,
                            what: "spec.events item \"\(item.value)\" of \(owner) is not a known event type",
                            why: "events are \(allowed)", fix: "Use one of: \(allowed)"))
                    continue
                }
                if !events.contains(event) { events.append(event) }
            }
            events.sort()
        }
        var tenants: [Located<TenantName>] = []
        var selector = TenantSelector.all
        if let items = spec.stringList("tenants"), !items.contains(where: { $0.value == "*" }) {
            for item in items {
                guard let tenant = TenantName(rawValue: item.value) else {
                    context.report(
                        Diagnostic(
                            .invalidName, at: item.location,
                            what: "spec.tenants item \"\(item.value)\" of \(owner) is not a valid tenant name",
                            why: "a name is \(DNSLabel.rule), or \"*\" for every tenant",
                            fix: "Name a declared tenant, or write \"*\""))
                    continue
                }
                tenants.append(Located(value: tenant, location: item.location))
            }
            selector = .only(Array(Set(tenants.map(\.value))).sorted())
        }
        guard let name, let type, let url else { return nil }
        let channel = ChannelSpec(
            name: name.value, type: type.value, url: url.value, secret: secret?.value, events: events,
            tenants: selector)
        return .channel(channel, name: name.location, tenants: tenants)
    }

    // MARK: - Config

    private func config(_ top: Fields) -> ManifestDocument? {
        _ = top.nested("metadata", known: ["name"])
        guard
            let spec = specFields(
                top, owner: "the configuration",
                known: [
                    "state", "statusDir", "webhookBaseUrl", "webhookRenewBefore", "endpoints", "maxProviderDeletes",
                ])
        else { return nil }
        var config = ConfigFile()
        config.state = spec.text("state", maxLength: 4096)?.value
        config.statusDir = spec.text("statusDir", maxLength: 4096)?.value
        config.webhookBaseUrl = spec.url("webhookBaseUrl")?.value
        config.webhookRenewBefore = spec.duration(
            "webhookRenewBefore", in: SpecDuration.minutes(1)...SpecDuration.days(30))?.value
        config.maxProviderDeletes = spec.integer("maxProviderDeletes", in: 0...100_000)?.value
        if let endpoints = spec.nested("endpoints", known: ["google", "graph", "microsoftLogin"]) {
            config.endpoints.google = endpoints.url("google")?.value
            config.endpoints.graph = endpoints.url("graph")?.value
            config.endpoints.microsoftLogin = endpoints.url("microsoftLogin")?.value
        }
        return .config(config, at: top.location)
    }

    // MARK: - Helpers

    /// The name as written, for naming the object in messages even when it is invalid.
    private func rawName(_ top: Fields, _ key: String) -> String? {
        guard case .mapping(let metadata)? = top.entries["metadata"]?.value else { return nil }
        for (candidate, value) in metadata.prefix(8) where candidate.scalar?.string == key {
            return value.scalar.map { String($0.string.prefix(80)) }
        }
        return nil
    }

    private func metadataFields(_ top: Fields, owner: String, known: [String]) -> Fields? {
        guard let node = top.value("metadata", required: true, example: "{ name: NAME }") else { return nil }
        return context.fields(of: node, path: "metadata", owner: owner, known: known)
    }

    private func specFields(_ top: Fields, owner: String, known: [String]) -> Fields? {
        guard top.has("spec") else {
            _ = top.value("spec", required: true, example: "{}")
            return nil
        }
        guard let node = top.value("spec", required: true, example: "{}") else {
            return Fields(context: context, node: top.node, path: "spec", owner: owner, entries: [:])
        }
        return context.fields(of: node, path: "spec", owner: owner, known: known)
    }
}

/// A DNS label close to `text`, to suggest in a message; nil when nothing sensible remains.
func suggestedLabel(_ text: String) -> String? {
    var label = ""
    for scalar in text.lowercased().unicodeScalars {
        if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) {
            label.unicodeScalars.append(scalar)
        } else if !label.hasSuffix("-") {
            label += "-"
        }
    }
    label = String(label.drop { $0 == "-" }.prefix(63))
    while label.hasSuffix("-") { label.removeLast() }
    return DNSLabel.isValid(label) ? label : nil
}
