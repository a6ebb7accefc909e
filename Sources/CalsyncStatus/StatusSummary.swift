import CalsyncModel

/// `status/summary.md`: one table row per provider card, for people and pull-request comments.
public enum StatusSummary {
    public static func render(_ cards: [ProviderStatus]) -> String {
        var lines = [
            "# calsync status",
            "",
            "| tenant | provider | vendor | direction | connection | oauth | ready | last sync | webhook | conflicts |",
            "|---|---|---|---|---|---|---|---|---|---|",
        ]
        for card in cards.sorted(by: { $0.ref < $1.ref }) {
            let ready = card.ready.map { "\($0.status == .true ? "✅" : "❌") \($0.reason.rawValue)" } ?? "-"
            let lastSync = card.lastSync.map { "\($0.result.rawValue) \(StatusYAML.timestamp($0.at))" } ?? "never"
            let webhook = card.webhook.map { "expires \(StatusYAML.timestamp($0.expiresAt))" } ?? "-"
            lines.append(
                "| \(card.ref.tenant) | \(card.ref.provider) | \(card.vendor.rawValue) | \(card.syncDirection.rawValue) | "
                    + "\(card.connectionStatus.rawValue) | \(card.oauth.rawValue) | \(ready) | \(lastSync) | \(webhook) | "
                    + "\(card.conflicts.count) |")
        }
        if cards.isEmpty { lines.append("| – | no providers | | | | | | | | |") }
        return lines.joined(separator: "\n") + "\n"
    }
}
