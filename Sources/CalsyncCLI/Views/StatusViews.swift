import CalsyncModel
import CalsyncStatus

/// `calsync status -o table`: one line per provider card.
enum StatusTable {
    static func render(_ cards: [ProviderStatus]) -> String {
        guard !cards.isEmpty else { return "No providers in the state." }
        let header = ["PROVIDER", "VENDOR", "DIRECTION", "CONNECTION", "OAUTH", "READY", "LAST SYNC", "PENDING"]
        return TextTable.render(header: header, rows: cards.map(row))
    }
}

extension StatusTable {
    static func row(_ card: ProviderStatus) -> [String] {
        let ready = card.ready.map { "\($0.status.rawValue) \($0.reason.rawValue)" } ?? "-"
        let lastSync = card.lastSync.map { "\($0.result.rawValue) \(StatusYAML.timestamp($0.at))" } ?? "never"
        let pending = card.pendingActions.map(\.rawValue).joined(separator: ",")
        let cells: [String] = [
            card.ref.description, card.vendor.rawValue, card.syncDirection.rawValue, card.connectionStatus.rawValue,
            card.oauth.rawValue, ready, lastSync, pending.isEmpty ? "-" : pending,
        ]
        return cells
    }
}
