import CalsyncModel

/// `calsync status -o json`: `{"providers": [card, ...]}`, as the HTTP API of `calsync serve` serves it too.
public enum StatusJSON {
    /// The document, rendered.
    public static func render(_ cards: [ProviderStatus]) -> String {
        JSONValue.object([("providers", .array(cards.map(card)))]).rendered()
    }

    /// One card, keys in the order of the status YAML.
    public static func card(_ card: ProviderStatus) -> JSONValue {
        func optional(_ value: JSONValue?) -> JSONValue { value ?? .null }
        return .object([
            ("apiVersion", "calsync/v1"),
            ("kind", "ProviderStatus"),
            (
                "metadata",
                .object([("tenant", .string(card.ref.tenant.rawValue)), ("name", .string(card.ref.provider.rawValue))])
            ),
            ("observedGeneration", .int(card.observedGeneration)),
            ("connectionStatus", .string(card.connectionStatus.rawValue)),
            ("oauth", .string(card.oauth.rawValue)),
            ("syncDirection", .string(card.syncDirection.rawValue)),
            (
                "lastSync",
                optional(card.lastSync.map {
                    .object([
                        ("at", .string(StatusYAML.timestamp($0.at))), ("result", .string($0.result.rawValue)),
                        ("pulled", .int($0.pulled)), ("pushed", .int($0.pushed)), ("deleted", .int($0.deleted)),
                        ("conflicts", .int($0.conflicts)),
                    ])
                })
            ),
            (
                "webhook",
                optional(card.webhook.map {
                    .object([
                        ("state", .string($0.isAlive ? "Active" : "Missing")),
                        ("expiresAt", .string(StatusYAML.timestamp($0.expiresAt))),
                    ])
                })
            ),
            (
                "conditions",
                .array(card.conditions.map {
                    .object([
                        ("type", .string($0.type.rawValue)), ("status", .string($0.status.rawValue)),
                        ("reason", .string($0.reason.rawValue)), ("message", .string($0.message)),
                        ("lastTransitionTime", .string(StatusYAML.timestamp($0.lastTransitionTime))),
                    ])
                })
            ),
            ("error", optional(card.error.map(JSONValue.string))),
            (
                "conflicts",
                .array(card.conflicts.map {
                    .object([
                        ("mapping", .string($0.mapping)), ("entry", .string($0.entry)),
                        ("externalId", .string($0.externalId)), ("detectedAt", .string(StatusYAML.timestamp($0.detectedAt))),
                    ])
                })
            ),
            (
                "drift",
                .array(card.drift.map {
                    .object([
                        ("kind", .string($0.kind.rawValue)), ("detail", .string($0.detail)),
                        ("repair", .string($0.repair.rawValue)),
                    ])
                })
            ),
            ("pendingActions", .array(card.pendingActions.map { .string($0.rawValue) })),
        ])
    }
}
