import CalsyncModel
import Foundation

/// A provider card: `status/<tenant>/<provider>.yaml`, the `status` command and the HTTP API.
public struct ProviderStatus: Sendable, Hashable {
    public var ref: ProviderRef
    public var vendor: Vendor
    public var observedGeneration: Int
    public var connectionStatus: ConnectionStatus
    public var oauth: OAuthBadge
    public var syncDirection: SyncDirection
    public var lastSync: LastSync?
    public var webhook: WebhookState?
    public var conditions: [Condition]
    /// The vendor's error text, verbatim, when `connectionStatus` is `Error`.
    public var error: String?
    public var conflicts: [ConflictSummary]
    public var drift: [Drift]
    public var pendingActions: [ActionKind]

    /// One mapping in conflict, named by ids only.
    public struct ConflictSummary: Sendable, Hashable {
        public var mapping: String
        public var entry: String
        public var externalId: String
        public var detectedAt: Date

        public init(mapping: String, entry: String, externalId: String, detectedAt: Date) {
            self.mapping = mapping
            self.entry = entry
            self.externalId = externalId
            self.detectedAt = detectedAt
        }
    }

    public init(
        state: ProviderState, card: ProviderCardState, connection: ConnectionStatus, drift: [Drift] = [],
        conflicts: [ConflictSummary] = []
    ) {
        ref = state.ref
        vendor = state.applied.vendor
        observedGeneration = state.generation
        connectionStatus = connection
        oauth = state.oauth
        syncDirection = state.applied.syncDirection
        lastSync = state.lastSync
        webhook = state.webhook
        conditions = [card.ready]
        error = connection == .error ? state.lastError.map(VendorErrorText.stable) : nil
        self.conflicts = conflicts
        self.drift = drift
        pendingActions = card.pendingActions
    }

    public var ready: Condition? { conditions.first { $0.type == .ready } }
}

/// A vendor's error text made stable: request-specific lines are dropped so a repeating error
/// does not rewrite the file.
public enum VendorErrorText {
    static let volatilePrefixes = ["request-id", "client-request-id", "timestamp", "trace id"]

    public static func stable(_ text: String) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { line in
                let lowered = line.trimmingCharacters(in: .whitespaces).lowercased()
                return !volatilePrefixes.contains { lowered.hasPrefix($0) }
            }
            .joined(separator: "\n")
    }
}
