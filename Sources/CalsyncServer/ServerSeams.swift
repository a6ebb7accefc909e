import CalsyncModel
import CalsyncStatus
import Foundation

/// A sync the notification worker asks for.
public struct SyncRequest: Sendable, Hashable, CustomStringConvertible {
    public var ref: ProviderRef
    /// Start over from a full listing (a Graph `missed` lifecycle notification), reusing mappings and
    /// deleting nothing until the listing has been read to its end.
    public var isFull: Bool

    public init(ref: ProviderRef, isFull: Bool = false) {
        self.ref = ref
        self.isFull = isFull
    }

    public var description: String { isFull ? "\(ref) (full)" : "\(ref)" }
}

/// How a sync asked of the sync seam ended.
public enum SyncResult: String, Sendable, Hashable {
    /// The provider was synced; the sync cleared its pending notification.
    case succeeded
    /// The run lock was held by another run: the worker asks again after the debounce interval.
    case busy
    /// Left for the reconcile pass: the provider stays due in the state and the next pass syncs it.
    case pending
}

/// How a reconcile pass of the timer ended.
public enum ReconcilePassResult: Sendable, Hashable {
    /// The pass ran; its exit code as `calsync reconcile` would have exited.
    case completed(exitCode: Int32)
    /// The run lock was held by another run; the pass was skipped.
    case skipped(reason: String)
    /// The pass could not run (unreadable manifests, state failure).
    case failed(reason: String)
}

/// A refusal of the web OAuth flow that the browser is shown, with the status to answer.
public struct WebAuthorizationError: Error, Sendable, CustomStringConvertible {
    /// 400 for a request that cannot succeed as sent (a used or expired pending authorization), 502
    /// when the vendor refused the code exchange.
    public var status: Int
    /// What happened and what to do; never a secret.
    public var message: String

    public init(status: Int, message: String) {
        self.status = status
        self.message = message
    }

    public var description: String { message }
}

/// The web OAuth flow behind `GET /oauth/start` and `GET /oauth/callback`: building the vendor's
/// authorization URL (recording the single-use pending authorization with its PKCE verifier), and
/// exchanging the code for the sealed refresh token. The server checks who may start, signs and
/// verifies `state`; this seam does the OAuth itself.
public protocol WebAuthorization: Sendable {
    /// Records a pending authorization for `ref` under `state` and returns the vendor's authorization URL
    /// (the tenant app's `webRedirectUri`, PKCE S256, the scopes of SPEC section 7).
    ///
    /// - Throws: `WebAuthorizationError` for a refusal to show; anything else answers 502.
    func start(_ ref: ProviderRef, state: String) async throws -> URL

    /// Completes the pending authorization recorded under `state`: exchanges `code`, seals and stores the token.
    ///
    /// - Throws: `WebAuthorizationError` for a refusal to show (unknown or used `state`, `invalid_grant`).
    func complete(_ ref: ProviderRef, code: String, state: String) async throws
}

/// Where `serve` meets the rest of calsync: closures and protocols the composition root (the CLI)
/// passes in, so the sync engine, the webhook executor and the OAuth flow plug in without the
/// server knowing them.
///
/// Every seam runs after the request that caused it was answered.
public struct ServerSeams: Sendable {
    /// Syncs one provider, taking the run lock for the sync. Throwing counts as a failed sync: the
    /// provider stays due and the next reconcile pass tries again.
    public var sync: @Sendable (SyncRequest) async throws -> SyncResult
    /// Renews a Graph subscription whose vendor asked for reauthorization (`reauthorizationRequired`).
    public var renewSubscription: @Sendable (WebhookRecord) async throws -> Void
    /// Registers a new Graph subscription in place of a removed one (`subscriptionRemoved`); the
    /// provider is synced afterwards.
    public var replaceSubscription: @Sendable (WebhookRecord) async throws -> Void
    /// Renews every channel and subscription that expires within the renewal window; returns how
    /// many it renewed. Run by the maintenance job.
    public var renewWebhooks: @Sendable () async throws -> Int
    /// One reconcile pass, the same code as `calsync reconcile`, taking the run lock for the pass.
    public var reconcile: @Sendable () async -> ReconcilePassResult
    /// The provider cards of a tenant, as `calsync status -o json` shows them.
    public var providerCards: @Sendable (TenantName) throws -> [ProviderStatus]
    /// The web OAuth flow; nil answers 503 on `/oauth/start` and `/oauth/callback`.
    public var authorization: (any WebAuthorization)?

    public init(
        sync: @escaping @Sendable (SyncRequest) async throws -> SyncResult,
        renewSubscription: @escaping @Sendable (WebhookRecord) async throws -> Void,
        replaceSubscription: @escaping @Sendable (WebhookRecord) async throws -> Void,
        renewWebhooks: @escaping @Sendable () async throws -> Int,
        reconcile: @escaping @Sendable () async -> ReconcilePassResult,
        providerCards: @escaping @Sendable (TenantName) throws -> [ProviderStatus],
        authorization: (any WebAuthorization)? = nil
    ) {
        self.sync = sync
        self.renewSubscription = renewSubscription
        self.replaceSubscription = replaceSubscription
        self.renewWebhooks = renewWebhooks
        self.reconcile = reconcile
        self.providerCards = providerCards
        self.authorization = authorization
    }
}
