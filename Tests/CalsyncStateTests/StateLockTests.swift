import CalsyncState
import CalsyncTesting
import Foundation
import Testing

/// The flock state lock: one holder at a time, named in the contender's message, freed when its holder dies.
@Suite struct StateLockTests {
    let directory = NSTemporaryDirectory() + "calsync-lock-" + UUID().uuidString
    var database: String { directory + "/state.db" }

    func holder(_ id: String) -> LockHolder {
        LockHolder(id: id, command: "test", pid: ProcessInfo.processInfo.processIdentifier, host: "test-host", since: Date(timeIntervalSince1970: 1_700_000_000))
    }

    @Test func secondHolderFailsAtOnceNamingTheFirst() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try await StateLock.acquire(databasePath: database, holder: holder("first"), timeout: nil)
        do {
            _ = try await StateLock.acquire(databasePath: database, holder: holder("second"), timeout: nil)
            Issue.record("a second holder took the lock")
        } catch let error as StateError {
            #expect(error.kind == .lockHeld)
            #expect(error.message.contains("lock id first"))
            #expect(error.message.contains("test-host"))
            #expect(error.message.contains("2023-11-14T22:13:20Z"))
        }
        first.release()
        let second = try await StateLock.acquire(databasePath: database, holder: holder("second"), timeout: nil)
        second.release()
    }

    @Test func waitsWithATimeout() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let first = try await StateLock.acquire(databasePath: database, holder: holder("first"), timeout: nil)
        // Released from a thread of its own: tests that wait on child processes can hold every thread
        // of the shared pool for longer than the timeout, and a pool task would then release too late.
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: 0.3)
            first.release()
        }
        // A generous timeout: under a loaded test run the releasing task may start late.
        let second = try await StateLock.acquire(databasePath: database, holder: holder("second"), timeout: .seconds(120))
        #expect(second.holder.id == "second")
        second.release()
    }

    @Test func forceUnlockChecksTheId() async throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let stuck = try await StateLock.acquire(databasePath: database, holder: holder("stuck"), timeout: nil)
        #expect(throws: StateError.self) { try StateLock.forceUnlock(databasePath: database, id: "other") }
        try StateLock.forceUnlock(databasePath: database, id: "stuck")
        let next = try await StateLock.acquire(databasePath: database, holder: holder("next"), timeout: nil)
        next.release()
        stuck.release()
    }
}
