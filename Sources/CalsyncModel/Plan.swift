import Foundation

/// What an action does to a provider (SPEC section 5). Raw values are the spec's words.
public enum ActionKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// In the manifests, not in state.
    case create
    /// The spec differs from what was applied.
    case update
    /// No usable OAuth credential; a person must run `calsync authorize`.
    case authorize
    /// Webhooks are enabled and none is active.
    case registerWebhook = "register_webhook"
    /// The active webhook expires within the renewal window.
    case renewWebhook = "renew_webhook"
    /// Enabled, authorized and due.
    case sync
    /// In state, no longer in the manifests.
    case delete
    /// `enabled: false` but still active.
    case disable

    /// The symbol shown in plans: `+ ~ ! +w ↻ ⇄ - ⏸`.
    public var symbol: String {
        switch self {
        case .create: return "+"
        case .update: return "~"
        case .authorize: return "!"
        case .registerWebhook: return "+w"
        case .renewWebhook: return "↻"
        case .sync: return "⇄"
        case .delete: return "-"
        case .disable: return "⏸"
        }
    }

    /// Position within one provider's actions: create → update → authorize → webhook → sync; delete last.
    public var order: Int {
        switch self {
        case .create: return 0
        case .update: return 1
        case .disable: return 2
        case .authorize: return 3
        case .registerWebhook: return 4
        case .renewWebhook: return 5
        case .sync: return 6
        case .delete: return 7
        }
    }
}

/// Why an action was planned.
///
/// For people only: `apply` never reads it to decide anything (Terraform's `ActionReason`).
public enum ActionReason: String, Sendable, Hashable, Codable, CaseIterable {
    /// The provider is new in the manifests.
    case new
    /// The spec changed since it was applied.
    case specChanged = "spec_changed"
    /// Never authorized.
    case neverAuthorized = "never_authorized"
    /// The credential was revoked or refused.
    case credentialRevoked = "credential_revoked"
    /// Webhooks are enabled and none is live.
    case webhookMissing = "webhook_missing"
    /// The webhook expires within the renewal window.
    case webhookExpiring = "webhook_expiring"
    /// `syncInterval` passed since the last sync.
    case intervalElapsed = "interval_elapsed"
    /// A webhook notification arrived.
    case notificationPending = "notification_pending"
    /// The sync cursor expired; a full resync follows.
    case cursorExpired = "cursor_expired"
    /// The provider was removed from the manifests.
    case removedFromManifests = "removed_from_manifests"
    /// `enabled: false`.
    case disabled
}

/// One field of an `update`: its value as applied and as declared, rendered as text.
public struct FieldChange: Sendable, Hashable, Codable {
    public var field: String
    public var from: String?
    public var to: String?

    public init(field: String, from: String?, to: String?) {
        self.field = field
        self.from = from
        self.to = to
    }
}

/// What a `delete` removes and keeps. calsync never deletes vendor events when a provider is deleted.
public struct BlastRadius: Sendable, Hashable, Codable {
    public var webhooks: Int
    public var mappings: Int
    public var entriesKept: Int
    public var vendorEventsKept: Int

    public init(webhooks: Int, mappings: Int, entriesKept: Int, vendorEventsKept: Int) {
        self.webhooks = webhooks
        self.mappings = mappings
        self.entriesKept = entriesKept
        self.vendorEventsKept = vendorEventsKept
    }
}

/// A difference between the vendor and the state.
public struct Drift: Sendable, Hashable, Codable {
    /// The kinds of drift (SPEC section 5).
    public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
        case webhookMissing = "webhook_missing"
        case calendarNotFound = "calendar_not_found"
        case credentialRevoked = "credential_revoked"
        case cursorExpired = "cursor_expired"
    }

    public var kind: Kind
    public var detail: String
    /// The action that repairs it.
    public var repair: ActionKind

    public init(kind: Kind, detail: String, repair: ActionKind) {
        self.kind = kind
        self.detail = detail
        self.repair = repair
    }
}

/// One action on one provider.
public struct PlannedAction: Sendable, Hashable, Codable {
    public var tenant: TenantName
    public var provider: ProviderName
    public var action: ActionKind
    /// Display only; apply never reads it.
    public var reason: ActionReason
    public var changes: [FieldChange]
    public var blastRadius: BlastRadius?
    public var drift: [Drift]
    /// Why the executor will refuse this action, shown so a plan never promises what apply will not do
    /// (a `delete` of a provider applied with `protect: true`). Display only, like `reason`.
    public var refusal: String?

    public init(
        tenant: TenantName, provider: ProviderName, action: ActionKind, reason: ActionReason,
        changes: [FieldChange] = [], blastRadius: BlastRadius? = nil, drift: [Drift] = [], refusal: String? = nil
    ) {
        self.tenant = tenant
        self.provider = provider
        self.action = action
        self.reason = reason
        self.changes = changes
        self.blastRadius = blastRadius
        self.drift = drift
        self.refusal = refusal
    }

    public var ref: ProviderRef { ProviderRef(tenant: tenant, provider: provider) }
}

/// A tenant or channel recorded, changed or removed by `apply` (listed as `tenant`/`channel` lines).
public struct ObjectChange: Sendable, Hashable, Codable {
    /// What happens to the object.
    public enum Change: String, Sendable, Hashable, Codable {
        case create
        case update
        case delete
    }

    public var name: String
    public var change: Change
    public var changes: [FieldChange]

    public init(name: String, change: Change, changes: [FieldChange] = []) {
        self.name = name
        self.change = change
        self.changes = changes
    }
}

/// A plan: what `apply` would do, against the exact state and manifests it was made from.
public struct Plan: Sendable, Hashable, Codable {
    public static let currentFormatVersion = 1

    public var formatVersion: Int
    /// The state serial the plan was made against; `apply` refuses the plan when it moved.
    public var stateSerial: Int64
    /// SHA-256 of the normalized manifests' canonical JSON; `apply` refuses the plan when it differs.
    public var manifestDigest: String
    public var createdAt: Date
    /// Ordered by tenant, provider name, then `ActionKind.order`.
    public var actions: [PlannedAction]
    public var tenants: [ObjectChange]
    public var channels: [ObjectChange]
    /// The desired state the plan was made from, so a saved plan can be applied alone.
    public var desired: DesiredState
    /// The tenant the plan was narrowed to with `--tenant`, if any.
    public var tenantScope: TenantName?

    public init(
        stateSerial: Int64, manifestDigest: String, createdAt: Date, actions: [PlannedAction],
        tenants: [ObjectChange] = [], channels: [ObjectChange] = [], desired: DesiredState
    ) {
        self.formatVersion = Self.currentFormatVersion
        self.stateSerial = stateSerial
        self.manifestDigest = manifestDigest
        self.createdAt = createdAt
        self.actions = actions
        self.tenants = tenants
        self.channels = channels
        self.desired = desired
    }

    /// The plan narrowed to one tenant: its providers' actions and its own tenant line; channels,
    /// which serve every tenant, are left to an unscoped plan.
    public func scoped(to tenant: TenantName) -> Plan {
        var plan = self
        plan.actions = actions.filter { $0.tenant == tenant }
        plan.tenants = tenants.filter { $0.name == tenant.rawValue }
        plan.channels = []
        plan.tenantScope = tenant
        return plan
    }

    /// Whether anything but routine syncs is pending (what `--detailed-exitcode` counts).
    public var hasChanges: Bool {
        actions.contains { $0.action != .sync } || !tenants.isEmpty || !channels.isEmpty
    }
}
