import CalsyncModel
import CalsyncProviders
import CalsyncSecrets
import Foundation

/// The vendor actions of a run against the real vendors (or the emulator): webhooks as SPEC section 9,
/// the clean-up of deleted providers as section 6, and syncs through the sync engine when one is given.
public struct LiveVendorActions: VendorActions {
    /// Google channels are asked for 7 days; Google may grant less.
    public static let googleChannelLifetime: TimeInterval = 7 * 86_400
    /// Graph subscriptions to Outlook events live at most 4,230 minutes in the most restrictive
    /// documented limit; calsync asks for a little less.
    public static let graphSubscriptionLifetime: TimeInterval = 4_200 * 60
    /// Renewals that fail this many times in a row raise `webhook_renewal_failed`.
    public static let renewalFailureLimit = 3

    /// Runs one provider's sync with its client and returns the provider's new state.
    public typealias SyncRunner = @Sendable (ProviderState, any CalendarClient) async throws -> ProviderState

    let sessions: any ProviderSessions
    let store: any StateStore
    let keyring: Keyring
    let webhookBaseURL: URL?
    let random: any RandomSource
    let now: Date
    let sync: SyncRunner?

    public init(
        sessions: any ProviderSessions, store: any StateStore, keyring: Keyring, webhookBaseURL: URL?,
        random: any RandomSource, now: Date, sync: SyncRunner? = nil
    ) {
        self.sessions = sessions
        self.store = store
        self.keyring = keyring
        self.webhookBaseURL = webhookBaseURL
        self.random = random
        self.now = now
        self.sync = sync
    }

    public func perform(_ action: PlannedAction, on provider: ProviderState) async throws -> ProviderState? {
        switch action.action {
        case .registerWebhook:
            return try await withRenewalAccounting(provider) { try await register(provider) }
        case .renewWebhook:
            return try await withRenewalAccounting(provider) { try await renew(provider) }
        case .sync:
            guard let sync else { return nil }
            return try await sync(provider, try await sessions.client(for: provider))
        default:
            return nil
        }
    }

    public func cleanUp(deleting provider: ProviderState, others: [ProviderState]) async -> [String] {
        var problems: [String] = []
        let records = (try? store.webhooks(of: provider.ref)) ?? []
        let revokes = provider.applied.vendor == .google && provider.credential == .valid
            && !others.contains { $0.ref.tenant == provider.ref.tenant && $0.applied.vendor == .google && $0.credential == .valid }
        guard !records.isEmpty || revokes else { return [] }
        if !records.isEmpty {
            do {
                let client = try await sessions.client(for: provider)
                for record in records {
                    do {
                        try await client.stop(PushChannel(id: record.id, resourceID: record.resourceID, expiresAt: record.expiresAt))
                    } catch {
                        problems.append("\(provider.ref): webhook \(record.id) was not stopped: \(VendorErrors.text(error)); it expires on its own at \(RFC3339.string(record.expiresAt))")
                    }
                }
            } catch {
                problems.append("\(provider.ref): its webhooks were not stopped: \(VendorErrors.text(error))")
            }
        }
        if revokes {
            do {
                try await sessions.revokeGrant(of: provider)
            } catch {
                problems.append("\(provider.ref): the Google grant was not revoked: \(VendorErrors.text(error)); revoke it in the account's security settings")
            }
        }
        return problems
    }

    // MARK: - Webhooks

    /// Opens a new channel or subscription, then stops the ones it replaces.
    private func register(_ provider: ProviderState) async throws -> ProviderState? {
        guard let webhookBaseURL else { return nil }
        let client = try await sessions.client(for: provider)
        let vendor = provider.applied.vendor
        let previous = try store.webhooks(of: provider.ref)
        let address = webhookBaseURL.appending(path: "webhooks").appending(path: vendor == .google ? "google" : "microsoft")
        let secret = Secret(randomToken(bytes: 32))
        let sealed = try keyring.seal(secret)
        let lifetime = vendor == .google ? Self.googleChannelLifetime : Self.graphSubscriptionLifetime
        let channelID = "calsync-" + randomToken(bytes: 18)
        if vendor == .google {
            // Google may send the `sync` message before `events.watch` returns: record the channel first.
            try store.apply(.recordWebhook(WebhookRecord(id: channelID, ref: provider.ref, vendor: vendor, secret: sealed, expiresAt: now)))
        }
        let channel: PushChannel
        do {
            channel = try await client.watch(
                calendarId: provider.applied.calendarId, channelID: channelID, address: address, secret: secret,
                expiresAt: now.addingTimeInterval(lifetime))
        } catch {
            if vendor == .google { try? store.apply(.removeWebhook(id: channelID)) }
            throw error
        }
        try store.apply(
            .recordWebhook(
                WebhookRecord(
                    id: channel.id, ref: provider.ref, vendor: vendor, resourceID: channel.resourceID, secret: sealed,
                    expiresAt: channel.expiresAt)))
        for old in previous where old.id != channel.id {
            // A renewed channel overlaps its predecessor until the predecessor is stopped.
            try? await client.stop(PushChannel(id: old.id, resourceID: old.resourceID, expiresAt: old.expiresAt))
            try store.apply(.removeWebhook(id: old.id))
        }
        var next = provider
        next.webhook = WebhookState(id: channel.id, expiresAt: channel.expiresAt)
        return next
    }

    /// Extends a Graph subscription, or replaces a Google channel; a subscription gone (404) is registered anew.
    private func renew(_ provider: ProviderState) async throws -> ProviderState? {
        guard webhookBaseURL != nil else { return nil }
        let records = try store.webhooks(of: provider.ref)
        guard provider.applied.vendor == .microsoft,
            let current = records.first(where: { $0.id == provider.webhook?.id }) ?? records.last
        else { return try await register(provider) }
        let client = try await sessions.client(for: provider)
        let renewed: PushChannel
        do {
            renewed = try await client.renew(
                PushChannel(id: current.id, expiresAt: current.expiresAt),
                expiresAt: now.addingTimeInterval(Self.graphSubscriptionLifetime))
        } catch let error as VendorError where error.status == 404 {
            return try await register(provider)
        }
        var record = current
        record.expiresAt = renewed.expiresAt
        record.renewalFailures = 0
        try store.apply(.recordWebhook(record))
        var next = provider
        next.webhook = WebhookState(id: renewed.id, expiresAt: renewed.expiresAt)
        return next
    }

    /// Counts failed renewals on the provider's channel; the third in a row queues `webhook_renewal_failed`.
    private func withRenewalAccounting(
        _ provider: ProviderState, _ body: () async throws -> ProviderState?
    ) async throws -> ProviderState? {
        do {
            return try await body()
        } catch let error where !AuthorizationFailure.isInvalidGrant(error) {
            let records = (try? store.webhooks(of: provider.ref)) ?? []
            if var record = records.first(where: { $0.id == provider.webhook?.id }) {
                record.renewalFailures += 1
                try? store.apply(.recordWebhook(record))
                if record.renewalFailures == Self.renewalFailureLimit {
                    try? store.apply(
                        .enqueue(
                            NotificationEvent(
                                type: .webhookRenewalFailed, tenant: provider.ref.tenant, provider: provider.ref.provider,
                                at: now,
                                message: "the webhook of \(provider.ref) failed to renew \(record.renewalFailures) times: \(VendorErrors.text(error))",
                                dedupeKey: "webhook_renewal_failed:\(record.id)")))
                }
            }
            throw error
        }
    }

    private func randomToken(bytes: Int) -> String {
        random.bytes(count: bytes).map { String(format: "%02x", $0) }.joined()
    }
}

/// Whether an error means the grant is gone.
public enum AuthorizationFailure {
    public static func isInvalidGrant(_ error: any Error) -> Bool {
        (error as? AuthorizationError)?.requiresAuthorization == true
    }

    /// The vendor's text of a refused grant.
    public static func vendorMessage(_ error: any Error) -> String? {
        if case .invalidGrant(let message)? = error as? AuthorizationError { return message }
        return nil
    }
}

/// A vendor failure as the text a card keeps: the vendor's own words, never a token, without the
/// request-specific lines (Graph `request-id`, `client-request-id`, `Timestamp`, `Trace ID`) that
/// would rewrite the status file on every repeat of the same error.
public enum VendorErrors {
    static let requestSpecific = ["request-id", "client-request-id", "timestamp", "trace id", "correlation id", "date:"]

    public static func text(_ error: any Error) -> String {
        let raw: String
        switch error {
        case let error as VendorError: raw = error.message.isEmpty ? error.description : error.message
        case let error as VendorAccessFailure: raw = error.message
        default: raw = "\(error)"
        }
        return stable(raw)
    }

    /// `text` without its request-specific lines.
    public static func stable(_ text: String) -> String {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
        let kept = lines.filter { line in
            let lower = line.lowercased()
            return !line.isEmpty && !requestSpecific.contains { lower.hasPrefix($0) }
        }
        return kept.joined(separator: " ")
    }
}
