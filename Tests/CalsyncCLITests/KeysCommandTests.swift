import CalsyncModel
import CalsyncSecrets
import CalsyncState
import CalsyncTesting
import Foundation
import Testing

/// `calsync keys rotate` end to end: the binary re-seals every token under the new key, so the old key can go.
///
/// Serialized, with the state built in-process, so that waiting on the binary holds at most one
/// thread of the shared pool.
@Suite(.serialized) struct KeysCommandTests {
    static let keyA = Data(repeating: 0xA1, count: 32).base64EncodedString()
    static let keyB = Data(repeating: 0xB2, count: 32).base64EncodedString()
    static let current = "CALENDAR_OAUTH_ENCRYPTION_KEY"
    static let old = "CALENDAR_OAUTH_DECRYPTION_KEYS"

    static func ring(_ current: String, _ decryption: [String] = []) throws -> Keyring {
        try Keyring.fromEnvironment([Self.current: current, Self.old: decryption.joined(separator: ",")], random: .system)
    }

    static func token(_ ref: ProviderRef) -> Secret { Secret("1//refresh-\(ref.tenant)-\(ref.provider)-plaintext-9d41") }

    /// Given a state recording three providers, each with a token stored under key A.
    func workspaceWithCredentials() throws -> (Workspace, [ProviderRef]) {
        let ws = try Workspace()
        let store = try SQLiteStateStore(path: ws.path + "/.calsync/state.db", mode: .readWrite)
        let refs = ["acme/google-main", "acme/outlook-rooms", "globex/cal"].compactMap(ProviderRef.init)
        let card = ProviderCardState(
            ready: Condition(status: .false, reason: .authorizationRequired, message: "m", lastTransitionTime: Date(timeIntervalSince1970: 0)),
            pendingActions: [.authorize])
        for ref in refs {
            try store.apply(.recordTenant(TenantSpec(name: ref.tenant)))
            let spec = ProviderSpec(ref: ref, vendor: ref.provider.rawValue == "outlook-rooms" ? .microsoft : .google, calendarId: "primary")
            try store.apply(.recordProvider(ProviderState(ref: ref, applied: spec), card: card))
        }
        let ringA = try Self.ring(Self.keyA)
        for ref in refs { try store.storeCredential(ref, try ringA.seal(Self.token(ref)), at: Date(timeIntervalSince1970: 1_790_000_000)) }
        return (ws, refs)
    }

    func credentials(_ ws: Workspace) throws -> [ProviderRef: SealedToken] {
        let pairs = try SQLiteStateStore(path: ws.path + "/.calsync/state.db", mode: .readOnly).sealedCredentials()
        return Dictionary(uniqueKeysWithValues: pairs.map { ($0.ref, $0.sealed) })
    }

    func expectNoPlainTokens(_ ws: Workspace, _ refs: [ProviderRef]) {
        for file in [".calsync/state.db", ".calsync/state.db-wal"] {
            guard let bytes = FileManager.default.contents(atPath: ws.path + "/" + file) else { continue }
            for ref in refs {
                #expect(bytes.range(of: Data(Self.token(ref).exposedValue.utf8)) == nil, "\(file) holds a plain token")
            }
        }
    }

    @Test func rotationLetsTheOldKeyBeDropped() async throws {
        let (ws, refs) = try workspaceWithCredentials()
        let idA = try Self.ring(Self.keyA).current.id, idB = try Self.ring(Self.keyB).current.id
        expectNoPlainTokens(ws, refs)
        let underA = try credentials(ws).values.map(\.combined)
        // When the new key B is current and A is a decryption key
        let rotated = try await ws.calsync(["keys", "rotate"], environment: [Self.current: Self.keyB, Self.old: Self.keyA])
        // Then every record is re-sealed under B
        #expect(rotated.exitCode == 0, "\(rotated.stderr)")
        #expect(rotated.stdout == "Re-sealed 3 credentials under key \(idB); 0 already current.\n")
        #expect(!rotated.stdout.contains(Self.keyA) && !rotated.stdout.contains(Self.keyB))
        // And a keyring holding only B (A dropped) opens every one
        let onlyB = try Self.ring(Self.keyB)
        let stored = try credentials(ws)
        #expect(Set(stored.keys) == Set(refs))
        for ref in refs {
            let sealed = try #require(stored[ref])
            #expect(sealed.keyID == idB && sealed.keyID != idA)
            #expect(try onlyB.open(sealed) == Self.token(ref))
        }
        expectNoPlainTokens(ws, refs)
        for file in [".calsync/state.db", ".calsync/state.db-wal"] {
            let bytes = FileManager.default.contents(atPath: ws.path + "/" + file) ?? Data()
            for sealed in underA { #expect(bytes.range(of: sealed.dropFirst(12)) == nil, "\(file) keeps a record under key A") }
        }
        let runs = try SQLiteStateStore(path: ws.path + "/.calsync/state.db", mode: .readOnly).runs()
        #expect(runs.first?.command == "calsync keys rotate")
        #expect(runs.first?.summary == "3 re-sealed, 0 already current")
        // And a second run, with A already dropped, has nothing to do
        let again = try await ws.calsync(["keys", "rotate"], environment: [Self.current: Self.keyB])
        #expect(again.exitCode == 0, "\(again.stderr)")
        #expect(again.stdout == "Re-sealed 0 credentials under key \(idB); 3 already current.\n")
    }

    @Test func rotatingWithoutTheOldKeyFailsNamingItAndChangesNothing() async throws {
        let (ws, refs) = try workspaceWithCredentials()
        let idA = try Self.ring(Self.keyA).current.id
        let before = try credentials(ws)
        let serial = try SQLiteStateStore(path: ws.path + "/.calsync/state.db", mode: .readOnly).serial()
        // When B is current and A was dropped too early
        let result = try await ws.calsync(["keys", "rotate"], environment: [Self.current: Self.keyB])
        // Then the command fails naming A's id and the variable to set, and the state is as it was
        #expect(result.exitCode == 1)
        #expect(result.stderr.contains("key \(idA)"), "\(result.stderr)")
        #expect(result.stderr.contains(Self.old))
        #expect(result.stderr.contains("Nothing was changed."))
        #expect(result.stdout.isEmpty)
        for text in [result.stdout, result.stderr] {
            #expect(!text.contains(Self.keyA) && !text.contains(Self.keyB))
            for ref in refs { #expect(!text.contains(Self.token(ref).exposedValue)) }
        }
        #expect(try credentials(ws) == before)
        #expect(try SQLiteStateStore(path: ws.path + "/.calsync/state.db", mode: .readOnly).serial() == serial)
    }

    @Test func oldKeyFromANamedVariable() async throws {
        let (ws, _) = try workspaceWithCredentials()
        let idB = try Self.ring(Self.keyB).current.id
        let result = try await ws.calsync(
            ["keys", "rotate", "--old-key-env", "RETIRED_TOKEN_KEY"], environment: [Self.current: Self.keyB, "RETIRED_TOKEN_KEY": Self.keyA])
        #expect(result.exitCode == 0, "\(result.stderr)")
        #expect(result.stdout == "Re-sealed 3 credentials under key \(idB); 0 already current.\n")
    }

    /// Environment, flags, the variable named and what is said about it.
    static let malformed: [([String: String], [String], String, String)] = [
        ([:], [], current, "is not set"),
        ([current: "bm90IGEga2V5"], [], current, "decodes to 9 bytes"),
        ([current: "%%%"], [], current, "is not valid base64"),
        ([current: keyB, old: "\(keyA),%%%"], [], "entry 2 of \(old)", "is not valid base64"),
        ([current: keyB], ["--old-key-env", "RETIRED_TOKEN_KEY"], "RETIRED_TOKEN_KEY", "is not set"),
    ]

    @Test(arguments: malformed)
    func malformedKeysExitOneNamingTheVariable(environment: [String: String], flags: [String], variable: String, says: String) async throws {
        let (ws, _) = try workspaceWithCredentials()
        let before = try credentials(ws)
        let result = try await ws.calsync(["keys", "rotate"] + flags, environment: environment)
        #expect(result.exitCode == 1)
        #expect(result.stderr.contains("\(variable) \(says)"), "\(result.stderr)")
        for value in environment.values {
            for part in value.split(separator: ",") { #expect(!result.stderr.contains(part), "\(result.stderr)") }
        }
        #expect(try credentials(ws) == before)
    }

    @Test func heldLockExitsFour() async throws {
        let (ws, _) = try workspaceWithCredentials()
        let holder = LockHolder(id: "ops-42", command: "calsync reconcile", pid: 4242, host: "runner-1", since: Date(timeIntervalSince1970: 1_790_000_000))
        let lock = try await StateLock.acquire(databasePath: ws.path + "/.calsync/state.db", holder: holder, timeout: nil)
        defer { lock.release() }
        let before = try credentials(ws)
        let result = try await ws.calsync(["keys", "rotate"], environment: [Self.current: Self.keyB, Self.old: Self.keyA])
        #expect(result.exitCode == 4)
        #expect(result.stderr.contains("lock id ops-42"))
        #expect(try credentials(ws) == before)
    }

    @Test func withoutAStateThereIsNothingToRotate() async throws {
        let ws = try Workspace()
        let result = try await ws.calsync(["keys", "rotate"], environment: [Self.current: Self.keyB])
        #expect(result.exitCode == 1)
        #expect(result.stderr.contains("no state database"))
        #expect(!ws.exists(".calsync/state.db"))
    }
}
