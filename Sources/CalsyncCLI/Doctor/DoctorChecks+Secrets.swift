import CalsyncModel
import CalsyncSecrets
import CalsyncState

/// The checks of the keys and of the secrets the manifests refer to.
extension DoctorChecks {
    static func encryptionKey(_ keys: KeyFacts) -> DoctorCheck {
        let variable = Keyring.encryptionKeyVariable
        switch keys.current {
        case .success(let key):
            return .ok(.encryptionKey, "\(variable) holds key \(key.id)")
        case .failure(let error) where error.kind == .missingKey:
            return .fail(
                .encryptionKey, error.message,
                fix:
                    "Export \(variable) wherever calsync runs (CI, the `serve` host, operators' shells). When tokens are stored already, it must be the key that sealed them."
            )
        case .failure(let error):
            return .fail(
                .encryptionKey, error.message,
                fix:
                    "Replace the value of \(variable) with a 32-byte key in base64. If tokens were sealed with another key, keep that one in \(Keyring.decryptionKeysVariable)."
            )
        }
    }

    static func decryptionKeys(_ keys: KeyFacts) -> DoctorCheck {
        let variable = Keyring.decryptionKeysVariable
        switch keys.decryption {
        case .success(let list) where list.isEmpty:
            return .ok(.decryptionKeys, "\(variable) is not set (old keys are needed only during a key rotation)")
        case .success(let list):
            return .ok(
                .decryptionKeys,
                "\(variable) holds \(count(list.count, "key")): \(list.map(\.id.rawValue).joined(separator: ", "))")
        case .failure(let error):
            return .fail(
                .decryptionKeys, error.message,
                fix: "Correct or remove that entry of \(variable): a comma-separated list of 32-byte keys in base64.")
        }
    }

    /// Every sealed record must name a key at hand, or it cannot be opened.
    static func sealedRecords(_ found: Result<[SealedRecord], StateError>, keys: KeyFacts) -> DoctorCheck {
        let records: [SealedRecord]
        switch found {
        case .success(let all): records = all
        case .failure(let error): return unreadable(.sealedRecords, error)
        }
        let credentials = records.filter { $0.kind == .credential }.count
        let secrets = records.count - credentials
        guard !records.isEmpty else { return .ok(.sealedRecords, "no credentials or webhook secrets are stored yet") }
        let atHand = keys.idsAtHand
        let missing = Dictionary(grouping: records.filter { !atHand.contains($0.keyID) }, by: \.keyID)
        guard !missing.isEmpty else {
            return .ok(
                .sealedRecords,
                "\(count(credentials, "credential")) and \(count(secrets, "webhook secret")) are sealed under keys at hand"
            )
        }
        let details = missing.keys.sorted().map { id -> String in
            let names = missing[id, default: []].map { record -> String in
                switch record.kind {
                case .credential: return "\(record.ref)"
                case .webhookSecret(let channel): return "\(record.ref) (webhook \(channel))"
                }
            }
            return "key \(id) seals \(list(names)), and it is not at hand"
        }
        let ids = missing.keys.sorted().map(\.rawValue)
        let keyNames =
            ids.count == 1 ? "the key whose id is \(ids[0])" : "the keys whose ids are \(ids.joined(separator: ", "))"
        let providers = Set(missing.values.joined().map(\.ref)).sorted().map(\.description)
        return .fail(
            .sealedRecords, details.joined(separator: "; "),
            fix:
                "Add \(keyNames) to \(Keyring.decryptionKeysVariable) (or make \(ids.count == 1 ? "it" : "one of them") \(Keyring.encryptionKeyVariable)). If a key is lost, authorize again: \(providers.map { "`calsync authorize \($0)`" }.joined(separator: ", "))."
        )
    }

    static func oauthApps(_ manifests: ManifestFacts) -> DoctorCheck {
        switch manifests {
        case .unloadable(let paths, let errorCount):
            let location = paths.joined(separator: " ")
            return .fail(
                .oauthApps, "the manifests under \(location) do not load (\(count(errorCount, "error")))",
                fix: "Run `calsync validate \(location)` and fix what it reports.")
        case .loaded(let tenantCount, let secrets, _, _):
            guard tenantCount > 0 else { return .ok(.oauthApps, "the manifests declare no tenant") }
            guard !secrets.isEmpty else {
                return .ok(
                    .oauthApps, "no OAuth app of \(count(tenantCount, "tenant")) has a client secret (public clients)")
            }
            let failures = secrets.compactMap(\.failure)
            guard !failures.isEmpty else {
                return .ok(
                    .oauthApps,
                    "every client secret resolves (\(count(secrets.count, "secret")), \(count(tenantCount, "tenant")))")
            }
            return .fail(
                .oauthApps, unresolved(failures, of: secrets.count, "client secret"),
                fix:
                    "Provide each variable or file named wherever calsync authorizes or refreshes tokens (CI, the `serve` host, operators' shells)."
            )
        }
    }

    /// Nil when the manifests do not load: the OAuth apps line already says so.
    static func apiTokens(_ manifests: ManifestFacts) -> DoctorCheck? {
        guard case .loaded(_, _, let tokens, _) = manifests else { return nil }
        guard !tokens.isEmpty else {
            return .ok(.apiTokens, "no tenant declares an apiToken (the HTTP API is closed to all)")
        }
        let failures = tokens.compactMap(\.failure)
        guard !failures.isEmpty else {
            return .ok(.apiTokens, "every API token resolves (\(count(tokens.count, "tenant")))")
        }
        return .warn(
            .apiTokens, unresolved(failures, of: tokens.count, "API token"),
            fix:
                "Provide each variable or file named on the `serve` host; until then that tenant's HTTP API answers 401 to everyone."
        )
    }

    /// Nil when the manifests do not load.
    static func notificationChannels(_ manifests: ManifestFacts) -> DoctorCheck? {
        guard case .loaded(_, _, _, let secrets) = manifests else { return nil }
        guard !secrets.isEmpty else {
            return .ok(.notificationChannels, "the manifests declare no notification channel")
        }
        let failures = secrets.compactMap(\.failure)
        guard !failures.isEmpty else {
            return .ok(
                .notificationChannels,
                "every channel URL and signing secret resolves (\(count(secrets.count, "reference")))")
        }
        return .warn(
            .notificationChannels,
            unresolved(
                failures, of: secrets.count, "channel URL or signing secret",
                plural: "channel URLs and signing secrets"),
            fix:
                "Provide each variable or file named where notifications are delivered; until then those channels receive nothing."
        )
    }

    /// `2 of 3 client secrets do not resolve.` followed by each resolution error, as sentences.
    private static func unresolved(
        _ failures: [SecretResolutionError], of total: Int, _ noun: String, plural: String? = nil
    ) -> String {
        let verb = failures.count == 1 ? "does" : "do"
        let head = "\(failures.count) of \(count(total, noun, plural: plural)) \(verb) not resolve."
        let sentences = failures.map { $0.message.prefix(1).uppercased() + $0.message.dropFirst() }
        return ([head] + sentences).joined(separator: " ")
    }
}
