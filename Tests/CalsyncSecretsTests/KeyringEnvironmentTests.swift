import CalsyncModel
import CalsyncSecrets
import Foundation
import Testing

/// Reading the keyring from the environment: every malformed key names its variable and never its value.
@Suite struct KeyringEnvironmentTests {
    static let current = "CALENDAR_OAUTH_ENCRYPTION_KEY"
    static let old = "CALENDAR_OAUTH_DECRYPTION_KEYS"
    static let keyA = Data(repeating: 0xA1, count: 32).base64EncodedString()
    static let keyB = Data(repeating: 0xB2, count: 32).base64EncodedString()
    static let keyC = Data(repeating: 0xC3, count: 32).base64EncodedString()

    /// A malformed environment and what the error must say.
    struct Case: Sendable, CustomTestStringConvertible {
        var name: String
        var environment: [String: String]
        var extra: [String] = []
        var kind: KeyringError.Kind
        var variable: String
        var says: String
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "unset", environment: [:], kind: .missingKey, variable: current, says: "\(current) is not set"),
        Case(name: "empty", environment: [current: " \n"], kind: .missingKey, variable: current, says: "\(current) is not set"),
        Case(
            name: "not base64", environment: [current: "hunter2-not-base64!"], kind: .notBase64, variable: current,
            says: "\(current) is not valid base64"),
        Case(
            name: "16 bytes", environment: [current: Data(repeating: 0x5E, count: 16).base64EncodedString()],
            kind: .wrongLength, variable: current, says: "\(current) decodes to 16 bytes; a token encryption key is exactly 32 bytes"),
        Case(
            name: "second decryption entry not base64", environment: [current: keyA, old: "\(keyB),s3cr3t*value"],
            kind: .notBase64, variable: old, says: "entry 2 of \(old) is not valid base64"),
        Case(
            name: "first decryption entry 31 bytes",
            environment: [current: keyA, old: Data(repeating: 0x3F, count: 31).base64EncodedString() + ",\(keyB)"],
            kind: .wrongLength, variable: old, says: "entry 1 of \(old) decodes to 31 bytes"),
        Case(
            name: "old key variable unset", environment: [current: keyA], extra: ["PREVIOUS_TOKEN_KEY"], kind: .missingKey,
            variable: "PREVIOUS_TOKEN_KEY", says: "PREVIOUS_TOKEN_KEY is not set"),
        Case(
            name: "old key variable 64 bytes",
            environment: [current: keyA, "PREVIOUS_TOKEN_KEY": Data(repeating: 0x64, count: 64).base64EncodedString()],
            extra: ["PREVIOUS_TOKEN_KEY"], kind: .wrongLength, variable: "PREVIOUS_TOKEN_KEY",
            says: "PREVIOUS_TOKEN_KEY decodes to 64 bytes"),
    ]

    @Test(arguments: cases)
    func malformedKeyNamesTheVariableAndNeverTheValue(_ example: Case) throws {
        do throws(KeyringError) {
            _ = try Keyring.fromEnvironment(example.environment, extraDecryptionVariables: example.extra, random: .system)
            Issue.record("accepted a malformed environment")
        } catch {
            #expect(error.kind == example.kind)
            #expect(error.variable == example.variable)
            #expect(error.message.contains(example.says), "\(error.message)")
            for value in example.environment.values where !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                for part in value.split(separator: ",") {
                    #expect(!error.message.contains(part), "the message echoes a value: \(error.message)")
                }
            }
        }
    }

    @Test func readsCurrentDecryptionAndExtraKeys() throws {
        let environment = [Self.current: " \(Self.keyB)\n", Self.old: "\(Self.keyA), ,", "ROTATED_OUT": Self.keyC]
        let ring = try Keyring.fromEnvironment(environment, extraDecryptionVariables: ["ROTATED_OUT"], random: .system)
        let idA = try EncryptionKey(base64: Self.keyA, variable: "x").id
        let idB = try EncryptionKey(base64: Self.keyB, variable: "x").id
        let idC = try EncryptionKey(base64: Self.keyC, variable: "x").id
        #expect(ring.current.id == idB)
        #expect(ring.current.source == Self.current)
        #expect(ring.decryption.map(\.source) == ["entry 1 of \(Self.old)", "ROTATED_OUT"])
        #expect(ring.decryption.map(\.id) == [idA, idC])
    }

    @Test func withoutDecryptionKeysTheRingHoldsTheCurrentKeyAlone() throws {
        let ring = try Keyring.fromEnvironment([Self.current: Self.keyA, Self.old: ""], random: .system)
        #expect(ring.decryption.isEmpty)
        #expect(ring.keys.count == 1)
    }
}
