/// One line of `calsync doctor`: an item of the troubleshooting checklist, its verdict, what was
/// found and how to fix it.
///
/// `detail` and `fix` name variables, files, providers and key ids; they never hold a secret.
struct DoctorCheck: Sendable, Hashable {
    /// The verdict of one check, in order of severity.
    enum Level: String, Sendable, Hashable, Comparable, CaseIterable {
        /// Nothing to do.
        case ok
        /// Works, but something needs a look or will go wrong later; the exit code stays 0.
        case warn
        /// Broken: calsync cannot do its work until this is fixed; `doctor` exits 1.
        case fail

        /// The label of a text line, padded to one width.
        var label: String {
            switch self {
            case .ok: return "OK  "
            case .warn: return "WARN"
            case .fail: return "FAIL"
            }
        }

        private var rank: Int {
            switch self {
            case .ok: return 0
            case .warn: return 1
            case .fail: return 2
            }
        }

        static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
    }

    /// The items of the checklist, in the order they are printed.
    ///
    /// The raw value is the `check` of the JSON output.
    enum Item: String, Sendable, Hashable, CaseIterable {
        /// `CALENDAR_OAUTH_ENCRYPTION_KEY` present and well formed.
        case encryptionKey = "encryption_key"
        /// `CALENDAR_OAUTH_DECRYPTION_KEYS` well formed.
        case decryptionKeys = "decryption_keys"
        /// The state database readable, migrated and sound.
        case state
        /// Every sealed credential and webhook secret names a key at hand.
        case sealedRecords = "sealed_records"
        /// The run lock free.
        case lock
        /// Every OAuth client secret of the manifests resolves.
        case oauthApps = "oauth_apps"
        /// Every tenant `apiToken` resolves.
        case apiTokens = "api_tokens"
        /// Every notification channel's URL and signing secret resolve.
        case notificationChannels = "notification_channels"
        /// The webhook base URL set and answering.
        case webhookBaseURL = "webhook_base_url"
        /// No provider's last sync older than twice its `syncInterval`.
        case lastSyncs = "last_syncs"
        /// No webhook expired or inside the renewal window.
        case webhooks
        /// No conflict unresolved for more than a day.
        case conflicts
        /// No notification undelivered for more than an hour.
        case notifications
        /// calsync's clock is the system clock.
        case clock

        /// The name of a text line.
        var title: String {
            switch self {
            case .encryptionKey: return "encryption key"
            case .decryptionKeys: return "decryption keys"
            case .state: return "state"
            case .sealedRecords: return "sealed records"
            case .lock: return "run lock"
            case .oauthApps: return "OAuth apps"
            case .apiTokens: return "API tokens"
            case .notificationChannels: return "notification channels"
            case .webhookBaseURL: return "webhook base URL"
            case .lastSyncs: return "last syncs"
            case .webhooks: return "webhooks"
            case .conflicts: return "conflicts"
            case .notifications: return "notifications"
            case .clock: return "clock"
            }
        }
    }

    var item: Item
    var level: Level
    /// What was found.
    var detail: String
    /// What to do about it; nil when the level is OK.
    var fix: String?

    static func ok(_ item: Item, _ detail: String) -> DoctorCheck {
        DoctorCheck(item: item, level: .ok, detail: detail, fix: nil)
    }

    static func warn(_ item: Item, _ detail: String, fix: String) -> DoctorCheck {
        DoctorCheck(item: item, level: .warn, detail: detail, fix: fix)
    }

    static func fail(_ item: Item, _ detail: String, fix: String) -> DoctorCheck {
        DoctorCheck(item: item, level: .fail, detail: detail, fix: fix)
    }
}
