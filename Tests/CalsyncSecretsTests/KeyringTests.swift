import CalsyncModel
import CalsyncSecrets
import Foundation
import Testing

/// Sealing and opening tokens: round trips, tampering, keys the ring lacks, key ids.
@Suite struct KeyringTests {
    static let keyA = [UInt8](repeating: 0xA1, count: 32)
    static let keyB = [UInt8](repeating: 0xB2, count: 32)
    static let token = Secret("1//0gRefreshTokenAlpha-7f3a9c")

    static func ring(_ current: [UInt8], _ decryption: [[UInt8]] = []) throws -> Keyring {
        Keyring(
            current: try EncryptionKey(bytes: current, source: "current"),
            decryption: try decryption.enumerated().map { try EncryptionKey(bytes: $1, source: "old \($0)") },
            random: .system)
    }

    @Test func keyIDIsTheFirstEightBytesOfTheSHA256InHex() throws {
        // SHA-256 of 32 zero bytes is 66687aadf862bd776c8fc18b8e9f8e20089714856ee233b3902a591d0d5f2925
        let key = try EncryptionKey(bytes: [UInt8](repeating: 0, count: 32), source: "test")
        #expect(key.id.rawValue == "66687aadf862bd77")
        #expect(KeyID(rawValue: "66687aadf862bd77") == key.id)
        #expect(KeyID(rawValue: "66687AADF862BD77") == nil)
        #expect(KeyID(rawValue: "66687aadf862bd7") == nil)
        #expect("\(key)" == "key 66687aadf862bd77 (test)")
    }

    @Test func sealThenOpenRoundTrips() throws {
        let ring = try Self.ring(Self.keyA)
        let sealed = try ring.seal(Self.token)
        #expect(sealed.keyID == ring.current.id)
        #expect(sealed.combined.count == 12 + Self.token.exposedValue.utf8.count + 16)
        #expect(try ring.open(sealed) == Self.token)
        #expect(try ring.open(ring.seal(Secret(""))) == Secret(""))
        #expect(try ring.open(ring.seal(Secret("tökén ✓"))) == Secret("tökén ✓"))
    }

    @Test func everySealUsesAFreshNonce() throws {
        let ring = try Self.ring(Self.keyA)
        let first = try ring.seal(Self.token), second = try ring.seal(Self.token)
        #expect(first.combined != second.combined)
        #expect(first.combined.prefix(12) != second.combined.prefix(12))
    }

    @Test func injectedNonceSourceMakesSealingDeterministic() throws {
        let fixed = RandomBytes { [UInt8](repeating: 7, count: $0) }
        let ring = Keyring(current: try EncryptionKey(bytes: Self.keyA, source: "a"), random: fixed)
        let sealed = try ring.seal(Self.token)
        #expect(try ring.seal(Self.token) == sealed)
        #expect(Array(sealed.combined.prefix(12)) == [UInt8](repeating: 7, count: 12))
        let broken = Keyring(current: try EncryptionKey(bytes: Self.keyA, source: "a"), random: RandomBytes { _ in [1, 2, 3] })
        #expect(throws: KeyringError.self) { try broken.seal(Self.token) }
    }

    @Test(arguments: [0, 5, 12, 20, -1])
    func tamperedBytesAreRefused(offset: Int) throws {
        let ring = try Self.ring(Self.keyA)
        var sealed = try ring.seal(Self.token)
        // Given one flipped bit in the nonce (0, 5), the ciphertext (12, 20) or the tag (-1)
        let index = offset >= 0 ? offset : sealed.combined.count - 1
        sealed.combined[index] ^= 0x01
        // Then opening fails authentication, and the message shows no bytes
        do throws(KeyringError) {
            _ = try ring.open(sealed)
            Issue.record("a tampered record opened")
        } catch {
            #expect(error.kind == .cannotOpen)
            #expect(error.message.contains(sealed.keyID.rawValue))
            #expect(!error.message.contains(Self.token.exposedValue))
        }
    }

    @Test func truncatedOrForeignBytesAreRefused() throws {
        let ring = try Self.ring(Self.keyA)
        let sealed = try ring.seal(Self.token)
        for bytes in [Data(), sealed.combined.prefix(20), Data(Self.token.exposedValue.utf8)] {
            let error = #expect(throws: KeyringError.self) { try ring.open(SealedToken(keyID: sealed.keyID, combined: bytes)) }
            #expect(error?.kind == .cannotOpen)
        }
    }

    @Test func recordOfAKeyNotInTheRingNamesItsKeyAndTheVariables() throws {
        let old = try Self.ring(Self.keyA)
        let sealed = try old.seal(Self.token)
        let new = try Self.ring(Self.keyB)
        do throws(KeyringError) {
            _ = try new.open(sealed)
            Issue.record("opened a record without its key")
        } catch {
            #expect(error.kind == .unknownKey)
            #expect(error.keyID == old.current.id)
            #expect(error.message.contains("key \(old.current.id)"))
            #expect(error.message.contains("CALENDAR_OAUTH_DECRYPTION_KEYS"))
            #expect(error.message.contains("current key \(new.current.id)"))
        }
    }

    @Test func decryptionKeysOpenButNeverSeal() throws {
        let old = try Self.ring(Self.keyA)
        let sealed = try old.seal(Self.token)
        let rotated = try Self.ring(Self.keyB, [Self.keyA])
        #expect(try rotated.open(sealed) == Self.token)
        let resealed = try rotated.resealed(sealed)
        #expect(resealed.keyID == rotated.current.id)
        #expect(try Self.ring(Self.keyB).open(resealed) == Self.token, "the old key is no longer needed")
        #expect(try rotated.resealed(resealed) == resealed, "a current record is left as it is")
        #expect(try rotated.seal(Self.token).keyID == rotated.current.id)
    }

    @Test func ringDropsRepeatedKeys() throws {
        let ring = try Self.ring(Self.keyB, [Self.keyA, Self.keyB, Self.keyA])
        let idA = try EncryptionKey(bytes: Self.keyA, source: "").id, idB = try EncryptionKey(bytes: Self.keyB, source: "").id
        #expect(ring.keys.map(\.id) == [idB, idA])
    }

    @Test func nothingPrintsSecretBytes() throws {
        let ring = try Self.ring(Self.keyA)
        let sealed = try ring.seal(Self.token)
        let base64 = Data(Self.keyA).base64EncodedString()
        for text in ["\(ring)", String(reflecting: ring), "\(ring.current)", String(reflecting: ring.current), "\(sealed)", String(reflecting: sealed), "\(Self.token)"] {
            #expect(!text.contains(base64))
            #expect(!text.contains(Self.token.exposedValue))
            #expect(!text.contains(sealed.combined.base64EncodedString()))
        }
        #expect("\(sealed)" == "sealed(key \(sealed.keyID), \(sealed.combined.count) bytes)")
        #expect("\(ring)" == "keyring(current key \(ring.current.id) from current; no decryption keys)")
    }
}
