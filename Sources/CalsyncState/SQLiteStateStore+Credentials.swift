import CalsyncModel
import Foundation
import GRDB

/// Sealed OAuth credentials (SPEC section 4): the state holds only sealed bytes and the id of the
/// key that sealed them; sealing and opening happen in the keyring, above the store.
extension SQLiteStateStore {
    /// Stores `sealed` as the credential of `ref`, replacing any earlier one, and marks the
    /// provider's credential valid, in one transaction that moves the serial.
    ///
    /// - Parameters:
    ///   - ref: A provider the state records.
    ///   - sealed: The token, sealed by the keyring.
    ///   - date: When the token was obtained.
    /// - Throws: `StateError.unknownProvider` when the state does not record `ref`; `.io`.
    public func storeCredential(_ ref: ProviderRef, _ sealed: SealedToken, at date: Date) throws {
        try write { db in
            let arguments: StatementArguments = [ref.tenant.rawValue, ref.provider.rawValue]
            guard let stateJSON = try String.fetchOne(db, sql: "SELECT state FROM provider WHERE tenant = ? AND name = ?", arguments: arguments)
            else {
                throw StateError(
                    .unknownProvider, "the state records no provider \(ref). Apply its manifest (`calsync apply` or `calsync reconcile`) first.")
            }
            try db.execute(
                sql: """
                    INSERT INTO credential (tenant, provider, keyId, sealed, updatedAt) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(tenant, provider) DO UPDATE SET keyId = excluded.keyId, sealed = excluded.sealed, updatedAt = excluded.updatedAt,
                        accessKeyId = NULL, sealedAccess = NULL, accessExpiresAt = NULL
                    """,
                arguments: [
                    ref.tenant.rawValue, ref.provider.rawValue, sealed.keyID.rawValue, sealed.combined, RFC3339.preciseString(date),
                ])
            var state = try Self.decode(ProviderState.self, stateJSON)
            if state.credential != .valid || state.lastError != nil {
                state.credential = .valid
                state.lastError = nil
                try db.execute(
                    sql: "UPDATE provider SET state = ? WHERE tenant = ? AND name = ?",
                    arguments: [try Self.encode(state), ref.tenant.rawValue, ref.provider.rawValue])
            }
            try db.execute(sql: "UPDATE meta SET serial = serial + 1 WHERE id = 1")
        }
    }

    /// The sealed credential of `ref`, if one is stored.
    public func credential(_ ref: ProviderRef) throws -> SealedToken? {
        try read { db in
            try Row.fetchOne(
                db, sql: "SELECT keyId, sealed FROM credential WHERE tenant = ? AND provider = ?",
                arguments: [ref.tenant.rawValue, ref.provider.rawValue]
            ).map { try Self.sealedToken($0) }
        }
    }

    /// Every stored credential, ordered by provider.
    public func sealedCredentials() throws -> [(ref: ProviderRef, sealed: SealedToken)] {
        try read { try Self.allCredentials($0) }
    }

    /// Replaces every credential by `transform` of it, in one transaction: all are written or none.
    ///
    /// A credential `transform` returns unchanged is not written. The bytes replaced are erased
    /// from the file (SQLite `secure_delete`) and the write-ahead log is emptied afterwards, so that
    /// after a rotation the file holds no record under the old key. Re-sealing leaves the tokens and
    /// the providers' credential status as they were, so it does not move the serial: a plan saved
    /// before a key rotation still applies after it.
    ///
    /// - Parameter transform: Re-seals one token, typically `Keyring.resealed(_:)`.
    /// - Returns: How many were re-sealed and how many were left as they were.
    /// - Throws: `ResealFailure` naming the provider whose token `transform` refused (nothing is
    ///   written then); `StateError.io`.
    @discardableResult
    public func resealAll(with transform: (SealedToken) throws -> SealedToken) throws -> ResealResult {
        try writeErasingReplacedBytes { db in
            var result = ResealResult()
            for (ref, sealed) in try Self.allCredentials(db) {
                let resealed: SealedToken
                do {
                    resealed = try transform(sealed)
                } catch {
                    throw ResealFailure(ref: ref, underlying: error)
                }
                guard resealed != sealed else {
                    result.unchanged += 1
                    continue
                }
                try db.execute(
                    sql: "UPDATE credential SET keyId = ?, sealed = ? WHERE tenant = ? AND provider = ?",
                    arguments: [resealed.keyID.rawValue, resealed.combined, ref.tenant.rawValue, ref.provider.rawValue])
                result.resealed += 1
            }
            try Self.resealSecondary(db, with: transform)
            return result
        }
    }

    // MARK: - Helpers

    /// Re-seals the other sealed columns: webhook secrets (a failure names the provider), cached
    /// access tokens and pending PKCE verifiers (short-lived: one that cannot be opened is dropped).
    private static func resealSecondary(_ db: Database, with transform: (SealedToken) throws -> SealedToken) throws {
        for row in try Row.fetchAll(db, sql: "SELECT id, tenant, provider, keyId, sealedSecret FROM webhook") {
            guard let keyID = KeyID(rawValue: row["keyId"] as String? ?? ""), let bytes = row["sealedSecret"] as Data? else { continue }
            let sealed = SealedToken(keyID: keyID, combined: bytes)
            let resealed: SealedToken
            do {
                resealed = try transform(sealed)
            } catch {
                let name = "\(row["tenant"] as String)/\(row["provider"] as String)"
                throw ResealFailure(ref: ProviderRef(name) ?? ProviderRef("unknown/unknown")!, underlying: error)
            }
            guard resealed != sealed else { continue }
            try db.execute(
                sql: "UPDATE webhook SET keyId = ?, sealedSecret = ? WHERE id = ?",
                arguments: [resealed.keyID.rawValue, resealed.combined, row["id"] as String])
        }
        for row in try Row.fetchAll(db, sql: "SELECT tenant, provider, accessKeyId, sealedAccess FROM credential WHERE sealedAccess IS NOT NULL") {
            guard let keyID = KeyID(rawValue: row["accessKeyId"] as String? ?? ""), let bytes = row["sealedAccess"] as Data? else { continue }
            let sealed = SealedToken(keyID: keyID, combined: bytes)
            let resealed = try? transform(sealed)
            guard resealed != sealed else { continue }
            try db.execute(
                sql: "UPDATE credential SET accessKeyId = ?, sealedAccess = ?, accessExpiresAt = CASE WHEN ? IS NULL THEN NULL ELSE accessExpiresAt END WHERE tenant = ? AND provider = ?",
                arguments: [resealed?.keyID.rawValue, resealed?.combined, resealed?.keyID.rawValue, row["tenant"] as String, row["provider"] as String])
        }
        for row in try Row.fetchAll(db, sql: "SELECT state, keyId, sealedVerifier FROM pendingAuthorization") {
            let state: String = row["state"]
            guard let keyID = KeyID(rawValue: row["keyId"] as String? ?? ""), let resealed = try? transform(SealedToken(keyID: keyID, combined: row["sealedVerifier"]))
            else {
                try db.execute(sql: "DELETE FROM pendingAuthorization WHERE state = ?", arguments: [state])
                continue
            }
            try db.execute(
                sql: "UPDATE pendingAuthorization SET keyId = ?, sealedVerifier = ? WHERE state = ?",
                arguments: [resealed.keyID.rawValue, resealed.combined, state])
        }
    }

    private static func allCredentials(_ db: Database) throws -> [(ref: ProviderRef, sealed: SealedToken)] {
        try Row.fetchAll(db, sql: "SELECT tenant, provider, keyId, sealed FROM credential ORDER BY tenant, provider").map { row in
            let name = "\(row["tenant"] as String)/\(row["provider"] as String)"
            guard let ref = ProviderRef(name) else {
                throw StateError(.io, "the state holds a credential for \"\(name)\", which is not a provider reference.")
            }
            return (ref, try sealedToken(row))
        }
    }

    private static func sealedToken(_ row: Row) throws -> SealedToken {
        let text: String = row["keyId"]
        guard let keyID = KeyID(rawValue: text) else {
            throw StateError(.io, "the state holds a credential whose key id \"\(text)\" is not 16 hex digits.")
        }
        return SealedToken(keyID: keyID, combined: row["sealed"])
    }

    /// Runs `body` in one transaction with `secure_delete` on, then checkpoints and truncates the
    /// write-ahead log, so neither the database file nor the log keeps the bytes `body` replaced.
    private func writeErasingReplacedBytes<T>(_ body: (Database) throws -> T) throws -> T {
        try mappingErrors("write") {
            try databaseWriter.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA secure_delete = ON")
                defer { _ = try? db.execute(sql: "PRAGMA secure_delete = OFF") }
                var value: T?
                try db.inTransaction {
                    value = try body(db)
                    return .commit
                }
                // Best effort: a reader in the middle of a transaction can keep the log from being truncated.
                _ = try? db.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)")
                guard let value else { throw StateError(.io, "the credential transaction of \"\(path)\" returned nothing.") }
                return value
            }
        }
    }
}
