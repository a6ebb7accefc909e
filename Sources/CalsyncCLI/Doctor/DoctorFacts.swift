import CalsyncModel
import CalsyncSecrets
import CalsyncState
import Foundation

/// The token keys as the environment gives them, each read on its own so that one malformed
/// variable does not hide the state of the other.
struct KeyFacts: Sendable {
    var current: Result<EncryptionKey, KeyringError>
    var decryption: Result<[EncryptionKey], KeyringError>

    /// Reads both variables; pure.
    init(environment: [String: String]) {
        current = Result { () throws(KeyringError) in try Keyring.currentKey(fromEnvironment: environment) }
        decryption = Result { () throws(KeyringError) in try Keyring.decryptionKeys(fromEnvironment: environment) }
    }

    /// The ids of every key that was read, current and old.
    var idsAtHand: Set<KeyID> {
        var ids = Set((try? decryption.get())?.map(\.id) ?? [])
        if let key = try? current.get() { ids.insert(key.id) }
        return ids
    }
}

/// How opening the state database for reading went.
enum StateOpening: Sendable {
    /// No file at the path: nothing has been reconciled with this state yet.
    case missing(path: String)
    /// The file exists but cannot be used as it is.
    case failed(path: String, StateError)
    /// Opened; `integrity` is `PRAGMA integrity_check`'s first line ("ok" when sound).
    case opened(path: String, integrity: String, serial: Int64)
}

/// The run lock as found: whether some process holds it, and who it says it is.
struct LockFacts: Sendable {
    var path: String
    var isHeld: Bool
    var holder: LockHolder?
}

/// A record the state keeps sealed, and the key that sealed it.
struct SealedRecord: Sendable, Hashable {
    /// What is sealed.
    enum Kind: Sendable, Hashable {
        /// A provider's OAuth refresh token.
        case credential
        /// A webhook's channel token or `clientState`; the associated value is the channel or subscription id.
        case webhookSecret(String)
    }

    var ref: ProviderRef
    var kind: Kind
    var keyID: KeyID
}

/// One secret reference of the manifests and whether it resolved; never the value.
struct SecretProbe: Sendable, Hashable {
    /// What the secret is for (`the Google client secret of tenant acme`).
    var purpose: String
    /// Nil when the reference resolved.
    var failure: SecretResolutionError?

    /// Resolves `reference` (reading the file it names, if any) and keeps only whether that worked.
    static func probe(_ reference: SecretRef, purpose: String, environment: [String: String]) -> SecretProbe {
        do throws(SecretResolutionError) {
            _ = try reference.resolve(environment: environment, purpose: purpose)
            return SecretProbe(purpose: purpose, failure: nil)
        } catch {
            return SecretProbe(purpose: purpose, failure: error)
        }
    }
}

/// What the manifests hold that the checklist looks at.
enum ManifestFacts: Sendable {
    /// The manifests have errors (or none were found); `calsync validate` lists them.
    case unloadable(paths: [String], errorCount: Int)
    /// The manifests load; each secret reference has been resolved once.
    case loaded(tenantCount: Int, clientSecrets: [SecretProbe], apiTokens: [SecretProbe], channelSecrets: [SecretProbe])

    /// Resolves every secret reference of `desired` the checklist covers.
    static func probing(_ desired: DesiredState, environment: [String: String]) -> ManifestFacts {
        var clientSecrets: [SecretProbe] = []
        var apiTokens: [SecretProbe] = []
        for tenant in desired.tenants {
            if let secret = tenant.oauthApps.google?.clientSecret {
                clientSecrets.append(
                    .probe(
                        secret, purpose: "the Google client secret of tenant \(tenant.name)", environment: environment))
            }
            if let secret = tenant.oauthApps.microsoft?.clientSecret {
                clientSecrets.append(
                    .probe(
                        secret, purpose: "the Microsoft client secret of tenant \(tenant.name)",
                        environment: environment))
            }
            if let token = tenant.apiToken {
                apiTokens.append(
                    .probe(token, purpose: "the API token of tenant \(tenant.name)", environment: environment))
            }
        }
        var channelSecrets: [SecretProbe] = []
        for channel in desired.channels {
            channelSecrets.append(
                .probe(
                    channel.url, purpose: "the URL of notification channel \(channel.name)", environment: environment))
            if let secret = channel.secret {
                channelSecrets.append(
                    .probe(
                        secret, purpose: "the signing secret of notification channel \(channel.name)",
                        environment: environment))
            }
        }
        return .loaded(
            tenantCount: desired.tenants.count, clientSecrets: clientSecrets, apiTokens: apiTokens,
            channelSecrets: channelSecrets)
    }
}

/// The answer to `GET {webhookBaseURL}/healthz`.
enum HealthProbe: Sendable, Hashable {
    /// An HTTP response arrived, whatever its status.
    case answered(base: String, status: Int)
    /// No response arrived within the timeout; `reason` is the transport's, which never holds the URL.
    case noAnswer(base: String, reason: String)

    /// The URL probed under `base`.
    static func url(_ base: String) -> String { base + "/healthz" }
}

/// What the state says has waited too long; each query either answered or failed on its own.
struct BacklogFacts: Sendable {
    var staleSyncs: Result<[StaleSync], StateError>
    var expiringWebhooks: Result<[ExpiringWebhook], StateError>
    var conflicts: Result<[ConflictBacklog], StateError>
    var notifications: Result<[NotificationBacklog], StateError>
}
