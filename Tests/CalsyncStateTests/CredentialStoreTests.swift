import CalsyncModel
import CalsyncSecrets
import CalsyncState
import Foundation
import Testing

/// Sealed credentials in the SQLite store: stored and replaced, re-sealed all or nothing, never in plain bytes.
@Suite struct CredentialStoreTests {
    let directory = NSTemporaryDirectory() + "calsync-credentials-" + UUID().uuidString
    var path: String { directory + "/state.db" }

    static let acme = TenantName(rawValue: "acme")!
    static let refs = ["acme/google-main", "acme/outlook-rooms", "acme/zeta"].compactMap(ProviderRef.init)
    static let at = Date(timeIntervalSince1970: 1_790_000_000)
    static let card = ProviderCardState(
        ready: Condition(status: .false, reason: .authorizationRequired, message: "m", lastTransitionTime: at),
        pendingActions: [.authorize])
    static let keyA = [UInt8](repeating: 0xA1, count: 32)
    static let keyB = [UInt8](repeating: 0xB2, count: 32)

    static func ring(_ current: [UInt8], _ decryption: [[UInt8]] = []) throws -> Keyring {
        Keyring(
            current: try EncryptionKey(bytes: current, source: "current"),
            decryption: try decryption.map { try EncryptionKey(bytes: $0, source: "old") }, random: .system)
    }

    static func token(_ ref: ProviderRef) -> Secret { Secret("1//refresh-\(ref.provider)-c0ffee-plaintext") }

    /// Given a store recording the tenant and the three providers.
    func storeWithProviders() throws -> SQLiteStateStore {
        let store = try SQLiteStateStore(path: path, mode: .readWrite)
        try store.apply(.recordTenant(TenantSpec(name: Self.acme)))
        for ref in Self.refs {
            try store.apply(.recordProvider(ProviderState(ref: ref, applied: ProviderSpec(ref: ref, vendor: .google, calendarId: "primary")), card: Self.card))
        }
        return store
    }

    @Test func storingACredentialMarksItValidAndMovesTheSerial() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try storeWithProviders()
        let ring = try Self.ring(Self.keyA)
        let ref = Self.refs[0]
        let serial = try store.serial()
        #expect(try store.credential(ref) == nil)
        // When a credential is stored
        let sealed = try ring.seal(Self.token(ref))
        try store.storeCredential(ref, sealed, at: Self.at)
        // Then it reads back, the provider's credential is valid, and the serial moved once
        #expect(try store.credential(ref) == sealed)
        #expect(try store.snapshot().providers.first { $0.ref == ref }?.credential == .valid)
        #expect(try store.snapshot().providers.filter { $0.credential == .valid }.count == 1)
        #expect(try store.serial() == serial + 1)
        // And a new token (a Microsoft refresh rotating its refresh token) replaces the old one
        let replacement = try ring.seal(Secret("1//rotated-refresh-token"))
        try store.storeCredential(ref, replacement, at: Self.at.addingTimeInterval(60))
        #expect(try store.credential(ref) == replacement)
        #expect(try store.sealedCredentials().count == 1)
        let stored = try #require(try store.credential(ref))
        #expect(try ring.open(stored) == Secret("1//rotated-refresh-token"))
        #expect(try store.serial() == serial + 2)
    }

    @Test func credentialOfAnUnknownProviderIsRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try storeWithProviders()
        let sealed = try Self.ring(Self.keyA).seal(Secret("t"))
        let error = #expect(throws: StateError.self) {
            try store.storeCredential(ProviderRef("acme/nobody")!, sealed, at: Self.at)
        }
        #expect(error?.kind == .unknownProvider)
        #expect(error?.message.contains("acme/nobody") == true)
        #expect(try store.sealedCredentials().isEmpty)
    }

    @Test func deletingAProviderDeletesItsCredential() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try storeWithProviders()
        try store.storeCredential(Self.refs[1], try Self.ring(Self.keyA).seal(Secret("t")), at: Self.at)
        try store.apply(.deleteProvider(Self.refs[1], at: Date(timeIntervalSince1970: 0)))
        #expect(try store.credential(Self.refs[1]) == nil)
    }

    @Test func resealAllRewritesEveryCredentialWithoutMovingTheSerial() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try storeWithProviders()
        let old = try Self.ring(Self.keyA)
        for ref in Self.refs { try store.storeCredential(ref, try old.seal(Self.token(ref)), at: Self.at) }
        let serial = try store.serial()
        // When the credentials are re-sealed under B with A as a decryption key
        let rotated = try Self.ring(Self.keyB, [Self.keyA])
        let result = try store.resealAll(with: { try rotated.resealed($0) })
        #expect(result == ResealResult(resealed: 3, unchanged: 0))
        // Then B alone opens every one, and the serial stayed
        let onlyB = try Self.ring(Self.keyB)
        #expect(try store.sealedCredentials().map(\.ref) == Self.refs)
        for (ref, sealed) in try store.sealedCredentials() {
            #expect(sealed.keyID == onlyB.current.id)
            #expect(try onlyB.open(sealed) == Self.token(ref))
        }
        #expect(try store.serial() == serial)
        // And a second pass finds nothing to do
        let second = try store.resealAll(with: { try rotated.resealed($0) })
        #expect(second == ResealResult(resealed: 0, unchanged: 3))
    }

    @Test func resealAllIsAllOrNothing() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try storeWithProviders()
        let old = try Self.ring(Self.keyA)
        for ref in Self.refs { try store.storeCredential(ref, try old.seal(Self.token(ref)), at: Self.at) }
        // Given the last credential sealed under a key the new ring lacks
        let stray = try Self.ring([UInt8](repeating: 0x99, count: 32))
        try store.storeCredential(Self.refs[2], try stray.seal(Self.token(Self.refs[2])), at: Self.at)
        let before = try store.sealedCredentials().map(\.sealed)
        // When re-sealing, Then it fails naming that provider and the key, and nothing was written
        let rotated = try Self.ring(Self.keyB, [Self.keyA])
        let failure = #expect(throws: ResealFailure.self) { try store.resealAll(with: { try rotated.resealed($0) }) }
        #expect(failure?.ref == Self.refs[2])
        #expect((failure?.underlying as? KeyringError)?.keyID == stray.current.id)
        #expect(failure?.description.contains(stray.current.id.rawValue) == true)
        #expect(try store.sealedCredentials().map(\.sealed) == before)
    }

    @Test func afterAResealNoRecordUnderTheOldKeyIsLeftInTheFiles() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try storeWithProviders()
        let old = try Self.ring(Self.keyA)
        for ref in Self.refs { try store.storeCredential(ref, try old.seal(Self.token(ref)), at: Self.at) }
        let oldBytes = try store.sealedCredentials().map(\.sealed.combined)
        let rotated = try Self.ring(Self.keyB, [Self.keyA])
        try store.resealAll(with: { try rotated.resealed($0) })
        for file in [path, path + "-wal"] {
            let bytes = FileManager.default.contents(atPath: file) ?? Data()
            for sealed in oldBytes {
                #expect(bytes.range(of: sealed.dropFirst(12)) == nil, "\(file) still holds a record sealed under the old key")
            }
        }
    }

    @Test func theDatabaseFileNeverHoldsAPlainToken() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let store = try storeWithProviders()
        let ring = try Self.ring(Self.keyA)
        for ref in Self.refs { try store.storeCredential(ref, try ring.seal(Self.token(ref)), at: Self.at) }
        let rotated = try Self.ring(Self.keyB, [Self.keyA])
        try store.resealAll(with: { try rotated.resealed($0) })
        for file in [path, path + "-wal"] {
            let bytes = try #require(FileManager.default.contents(atPath: file))
            for ref in Self.refs {
                #expect(bytes.range(of: Data(Self.token(ref).exposedValue.utf8)) == nil, "\(file) holds a plain token")
            }
            #expect(bytes.range(of: Data(Self.keyA)) == nil)
            #expect(bytes.range(of: Data(Self.keyB)) == nil)
        }
    }
}
