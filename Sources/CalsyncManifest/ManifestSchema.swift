import CalsyncModel

/// The JSON Schema (draft 2020-12) of every manifest kind, for editors and `yaml-language-server`.
public enum ManifestSchema {
    public static var document: JSONValue {
        .object([
            ("$schema", "https://json-schema.org/draft/2020-12/schema"),
            ("$id", "urn:calsync:schema:v1"),
            ("title", "calsync manifest"),
            ("description", "One calsync/v1 document: Tenant, CalendarProvider, NotificationChannel or Config."),
            ("oneOf", .array(ManifestKind.allCases.map { ref($0.rawValue) })),
            ("$defs", .object(definitions)),
        ])
    }

    private static func ref(_ name: String) -> JSONValue { .object([("$ref", .string("#/$defs/\(name)"))]) }

    private static func enumeration(_ values: [String], _ description: String) -> JSONValue {
        .object([("description", .string(description)), ("enum", .array(values.map(JSONValue.string)))])
    }

    private static func object(
        _ properties: [(String, JSONValue)], required: [String] = [], description: String? = nil
    ) -> JSONValue {
        var members: [(String, JSONValue)] = [("type", "object")]
        if let description { members.append(("description", .string(description))) }
        members.append(("properties", .object(properties)))
        if !required.isEmpty { members.append(("required", .array(required.map(JSONValue.string)))) }
        members.append(("additionalProperties", false))
        return .object(members)
    }

    private static func string(_ description: String, minLength: Int? = nil, maxLength: Int? = nil, pattern: String? = nil)
        -> JSONValue
    {
        var members: [(String, JSONValue)] = [("type", "string"), ("description", .string(description))]
        if let minLength { members.append(("minLength", .int(minLength))) }
        if let maxLength { members.append(("maxLength", .int(maxLength))) }
        if let pattern { members.append(("pattern", .string(pattern))) }
        return .object(members)
    }

    private static func integer(_ description: String, _ range: ClosedRange<Int>, default value: Int) -> JSONValue {
        .object([
            ("type", "integer"), ("description", .string(description)), ("minimum", .int(range.lowerBound)),
            ("maximum", .int(range.upperBound)), ("default", .int(value)),
        ])
    }

    private static func boolean(_ description: String, default value: Bool) -> JSONValue {
        .object([("type", "boolean"), ("description", .string(description)), ("default", .bool(value))])
    }

    private static func header(kind: String, metadata: JSONValue, spec: JSONValue, specRequired: Bool = true)
        -> JSONValue
    {
        object(
            [
                ("apiVersion", .object([("const", .string(manifestAPIVersion))])),
                ("kind", .object([("const", .string(kind))])),
                ("metadata", metadata),
                ("spec", spec),
            ],
            required: specRequired ? ["apiVersion", "kind", "metadata", "spec"] : ["apiVersion", "kind", "spec"])
    }

    private static let urlPattern = "^https?://[^\\s/?#]+([/?#]\\S*)?$"
    private static let loopbackPattern = "^http://(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]+)?([/?#]\\S*)?$"

    private static func oauthApp(vendor: Vendor) -> JSONValue {
        var properties: [(String, JSONValue)] = [
            ("clientId", string("The OAuth client id.", minLength: 1, maxLength: 512)),
            ("clientSecret", ref("secretRef")),
            (
                "redirectUri",
                string("Loopback redirect URI that `calsync authorize` listens on.", pattern: loopbackPattern)
            ),
            ("webRedirectUri", string("Redirect URI of `calsync serve`'s /oauth/callback.", pattern: urlPattern)),
        ]
        if vendor == .microsoft {
            properties.append(
                ("directoryTenant", string("Entra ID tenant segment of the token URL (default common).", minLength: 1)))
        }
        return object(
            properties, required: vendor == .google ? ["clientId", "clientSecret", "redirectUri"] : ["clientId", "redirectUri"],
            description: "The tenant's \(vendor.rawValue) OAuth app.")
    }

    private static var definitions: [(String, JSONValue)] {
        [
            ("dnsLabel", string("A DNS label.", pattern: "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$")),
            (
                "secretRef",
                .object([
                    ("description", "A reference to a secret: an environment variable or a file. Never the secret."),
                    (
                        "oneOf",
                        [
                            object([("env", string("Environment variable name.", pattern: "^[A-Za-z_][A-Za-z0-9_]*$"))], required: ["env"]),
                            object([("file", string("Path of a file holding the secret.", minLength: 1))], required: ["file"]),
                        ]
                    ),
                ])
            ),
            ("duration", string("A duration with units s, m, h, d, such as 15m or 1h30m.", pattern: "^([0-9]+[smhd])+$")),
            (
                "Tenant",
                header(
                    kind: "Tenant", metadata: object([("name", ref("dnsLabel"))], required: ["name"]),
                    spec: object([
                        ("displayName", string("Operator-friendly name (default: the name).", minLength: 1, maxLength: 200)),
                        (
                            "oauthApps",
                            object([("google", oauthApp(vendor: .google)), ("microsoft", oauthApp(vendor: .microsoft))])
                        ),
                        ("apiToken", ref("secretRef")),
                    ]))
            ),
            (
                "CalendarProvider",
                header(
                    kind: "CalendarProvider",
                    metadata: object([("name", ref("dnsLabel")), ("tenant", ref("dnsLabel"))], required: ["name", "tenant"]),
                    spec: object(
                        [
                            ("displayName", string("Operator-friendly name (default: the name).", minLength: 1, maxLength: 200)),
                            ("vendor", enumeration(Vendor.allCases.map(\.rawValue), "The calendar vendor.")),
                            ("calendarId", string("`primary` (Google), `calendar` (Outlook) or a calendar id.", minLength: 1, maxLength: 1024)),
                            ("syncDirection", enumeration(SyncDirection.allCases.map(\.rawValue), "Which side writes the other (default bidirectional).")),
                            ("enabled", boolean("Whether the provider syncs.", default: true)),
                            ("conflictPolicy", enumeration(ConflictPolicy.allCases.map(\.rawValue), "How conflicts settle (default manual).")),
                            (
                                "window",
                                object([
                                    ("pastDays", integer("Days before now that are synced.", SyncWindow.pastDaysRange, default: 30)),
                                    ("futureDays", integer("Days after now that are synced.", SyncWindow.futureDaysRange, default: 365)),
                                ])
                            ),
                            ("syncInterval", ref("duration")),
                            ("maxDeletesPerSync", integer("A sync that would delete more stops.", ProviderSpec.maxDeletesRange, default: 50)),
                            ("protect", boolean("Refuse deletion while set.", default: false)),
                        ], required: ["vendor", "calendarId"]))
            ),
            (
                "NotificationChannel",
                header(
                    kind: "NotificationChannel", metadata: object([("name", ref("dnsLabel"))], required: ["name"]),
                    spec: object(
                        [
                            ("type", enumeration(ChannelType.allCases.map(\.rawValue), "How the channel delivers.")),
                            ("url", ref("secretRef")),
                            ("secret", ref("secretRef")),
                            (
                                "events",
                                .object([
                                    ("type", "array"),
                                    ("items", enumeration(NotificationEventType.allCases.map(\.rawValue), "An event type.")),
                                    ("uniqueItems", true),
                                ])
                            ),
                            (
                                "tenants",
                                .object([
                                    ("type", "array"),
                                    (
                                        "items",
                                        .object([("anyOf", [ref("dnsLabel"), .object([("const", "*")])])])
                                    ),
                                ])
                            ),
                        ], required: ["type", "url"]))
            ),
            (
                "Config",
                header(
                    kind: "Config", metadata: object([("name", ref("dnsLabel"))]),
                    spec: object([
                        ("state", string("Path of the state database.", minLength: 1)),
                        ("statusDir", string("Directory of status files.", minLength: 1)),
                        ("webhookBaseUrl", string("Public base URL for webhooks.", pattern: urlPattern)),
                        ("webhookRenewBefore", ref("duration")),
                        ("maxProviderDeletes", integer("Most provider deletes in one reconcile.", 0...100_000, default: 5)),
                        (
                            "endpoints",
                            object([
                                ("google", string("Base URL for Google's API, authorization and token hosts.", pattern: urlPattern)),
                                ("graph", string("Base URL of Microsoft Graph.", pattern: urlPattern)),
                                ("microsoftLogin", string("Base URL of the Microsoft identity platform.", pattern: urlPattern)),
                            ])
                        ),
                    ]), specRequired: false)
            ),
        ]
    }
}
