import CalsyncModel
import Foundation
import GRDB

/// Pending authorizations (SPEC section 7), access-token caching and revoked grants.
extension SQLiteStateStore {
    /// Records a started authorization and forgets those already expired.
    public func recordPendingAuthorization(_ pending: PendingAuthorization, now: Date) throws {
        try write { db in
            try db.execute(sql: "DELETE FROM pendingAuthorization WHERE expiresAt < ?", arguments: [RFC3339.preciseString(now)])
            try db.execute(
                sql: """
                    INSERT INTO pendingAuthorization (state, tenant, provider, sealedVerifier, keyId, redirectUri, expiresAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [
                    pending.state, pending.ref.tenant.rawValue, pending.ref.provider.rawValue, pending.verifier.combined,
                    pending.verifier.keyID.rawValue, pending.redirectURI, RFC3339.preciseString(pending.expiresAt),
                ])
        }
    }

    /// Removes and returns the pending authorization with `state`: each can be completed once.
    /// - Returns: nil when no such row exists (never started, already used); an expired row is
    ///   returned too, and the caller refuses it.
    public func takePendingAuthorization(state: String) throws -> PendingAuthorization? {
        try write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM pendingAuthorization WHERE state = ?", arguments: [state])
            else { return nil }
            try db.execute(sql: "DELETE FROM pendingAuthorization WHERE state = ?", arguments: [state])
            let name = "\(row["tenant"] as String)/\(row["provider"] as String)"
            guard let ref = ProviderRef(name), let keyID = KeyID(rawValue: row["keyId"]),
                let expiresAt = RFC3339.date(row["expiresAt"])
            else {
                throw StateError(.io, "the state holds a malformed pending authorization for \(name).")
            }
            return PendingAuthorization(
                state: state, ref: ref, verifier: SealedToken(keyID: keyID, combined: row["sealedVerifier"]),
                redirectURI: row["redirectUri"], expiresAt: expiresAt)
        }
    }

    /// The cached access token of `ref`, if one is stored.
    public func cachedAccessToken(_ ref: ProviderRef) throws -> CachedAccessToken? {
        try read { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT accessKeyId, sealedAccess, accessExpiresAt FROM credential WHERE tenant = ? AND provider = ?",
                    arguments: [ref.tenant.rawValue, ref.provider.rawValue]),
                let keyID = KeyID(rawValue: row["accessKeyId"] as String? ?? ""), let sealed = row["sealedAccess"] as Data?,
                let expiresAt = RFC3339.date(row["accessExpiresAt"] as String? ?? "")
            else { return nil }
            return CachedAccessToken(sealed: SealedToken(keyID: keyID, combined: sealed), expiresAt: expiresAt)
        }
    }

    /// Caches an access token beside the refresh token; not plan-relevant, so the serial stays.
    public func cacheAccessToken(_ ref: ProviderRef, _ token: CachedAccessToken) throws {
        try write { db in
            try db.execute(
                sql: "UPDATE credential SET accessKeyId = ?, sealedAccess = ?, accessExpiresAt = ? WHERE tenant = ? AND provider = ?",
                arguments: [
                    token.sealed.keyID.rawValue, token.sealed.combined, RFC3339.preciseString(token.expiresAt),
                    ref.tenant.rawValue, ref.provider.rawValue,
                ])
        }
    }

    /// Replaces the refresh token after a Microsoft rotation; the credential stays valid and the serial stays.
    public func rotateCredential(_ ref: ProviderRef, _ sealed: SealedToken, at date: Date) throws {
        try write { db in
            try db.execute(
                sql: "UPDATE credential SET keyId = ?, sealed = ?, updatedAt = ? WHERE tenant = ? AND provider = ?",
                arguments: [sealed.keyID.rawValue, sealed.combined, RFC3339.preciseString(date), ref.tenant.rawValue, ref.provider.rawValue])
        }
    }

    /// The vendor refused the grant (`invalid_grant`): the credential is dropped, the provider marked
    /// revoked, and an `authorization_required` event queued, in one transaction that moves the serial.
    /// - Returns: false when the provider was already marked revoked (nothing written).
    @discardableResult
    public func revokeCredential(_ ref: ProviderRef, vendorMessage: String, at date: Date) throws -> Bool {
        try write { try Self.revokeCredential(ref, vendorMessage: vendorMessage, at: date, in: $0) }
    }

    @discardableResult
    static func revokeCredential(_ ref: ProviderRef, vendorMessage: String, at date: Date, in db: Database) throws -> Bool {
            let arguments: StatementArguments = [ref.tenant.rawValue, ref.provider.rawValue]
            guard let json = try String.fetchOne(db, sql: "SELECT state FROM provider WHERE tenant = ? AND name = ?", arguments: arguments)
            else { return false }
            var state = try Self.decode(ProviderState.self, json)
            guard state.credential != .revoked else { return false }
            state.credential = .revoked
            state.lastError = vendorMessage
            try db.execute(sql: "DELETE FROM credential WHERE tenant = ? AND provider = ?", arguments: arguments)
            try db.execute(
                sql: "UPDATE provider SET state = ? WHERE tenant = ? AND name = ?",
                arguments: [try Self.encode(state), ref.tenant.rawValue, ref.provider.rawValue])
            try Self.enqueue(
                NotificationEvent(
                    type: .authorizationRequired, tenant: ref.tenant, provider: ref.provider, at: date,
                    message: "\(ref) needs authorization: run `calsync authorize \(ref)`",
                    dedupeKey: "authorization_required:\(ref):\(RFC3339.string(date))"),
                in: db)
            try db.execute(sql: "UPDATE meta SET serial = serial + 1 WHERE id = 1")
            return true
    }
}
