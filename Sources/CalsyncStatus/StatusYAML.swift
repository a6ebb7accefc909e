import CalsyncModel
import Foundation

/// Renders provider cards as deterministic YAML: fixed key order, UTC timestamps, no churn.
public enum StatusYAML {
    public static func render(_ card: ProviderStatus) -> String {
        var lines: [String] = [
            "apiVersion: calsync/v1",
            "kind: ProviderStatus",
            "metadata: { tenant: \(card.ref.tenant), name: \(card.ref.provider) }",
            "observedGeneration: \(card.observedGeneration)",
            "connectionStatus: \(card.connectionStatus.rawValue)",
            "oauth: \(card.oauth.rawValue)",
            "syncDirection: \(card.syncDirection.rawValue)",
        ]
        if let sync = card.lastSync {
            lines.append(
                "lastSync: { at: \(timestamp(sync.at)), result: \(sync.result.rawValue), pulled: \(sync.pulled), "
                    + "pushed: \(sync.pushed), deleted: \(sync.deleted), conflicts: \(sync.conflicts) }")
        } else {
            lines.append("lastSync: null")
        }
        if let webhook = card.webhook {
            lines.append("webhook: { state: \(webhook.isAlive ? "Active" : "Missing"), expiresAt: \(timestamp(webhook.expiresAt)) }")
        } else {
            lines.append("webhook: null")
        }
        lines.append("conditions:")
        for condition in card.conditions {
            lines.append(
                "  - { type: \(condition.type.rawValue), status: \"\(condition.status.rawValue)\", reason: \(condition.reason.rawValue), "
                    + "message: \(quoted(condition.message)), lastTransitionTime: \(timestamp(condition.lastTransitionTime)) }")
        }
        lines.append("error: \(card.error.map(quoted) ?? "null")")
        lines.append(list("conflicts", card.conflicts.sorted { $0.mapping < $1.mapping }.map {
            "{ mapping: \(quoted($0.mapping)), entry: \(quoted($0.entry)), externalId: \(quoted($0.externalId)), detectedAt: \(timestamp($0.detectedAt)) }"
        }))
        lines.append(list("drift", card.drift.map {
            "{ kind: \($0.kind.rawValue), detail: \(quoted($0.detail)), repair: \($0.repair.rawValue) }"
        }))
        lines.append(list("pendingActions", card.pendingActions.map(\.rawValue)))
        return lines.joined(separator: "\n") + "\n"
    }

    private static func list(_ key: String, _ items: [String]) -> String {
        items.isEmpty ? "\(key): []" : "\(key):\n" + items.map { "  - \($0)" }.joined(separator: "\n")
    }

    /// RFC 3339 UTC, seconds precision.
    public static func timestamp(_ date: Date) -> String { RFC3339.string(date) }

    /// A double-quoted YAML scalar (JSON string syntax is valid YAML).
    public static func quoted(_ text: String) -> String { JSONValue.quoted(text) }
}
