import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The lease of a running `calsync serve`: an advisory `flock` on `STATE.serve.lock`, held for the
/// server's whole life, so a second `serve` on the same state refuses to start.
///
/// It is a file of its own, apart from the run lock: operator commands (`entries`, `status`, and
/// `reconcile` between the server's passes) never look at it and keep working while `serve` runs.
/// The kernel releases it when the server dies, even by `kill -9`.
public final class ServeLease: Sendable {
    public let path: String
    public let holder: LockHolder
    private let descriptor: Int32

    private init(path: String, holder: LockHolder, descriptor: Int32) {
        self.path = path
        self.holder = holder
        self.descriptor = descriptor
    }

    /// The lease file of the database at `databasePath`.
    public static func path(forDatabase databasePath: String) -> String { databasePath + ".serve.lock" }

    /// Takes the lease without waiting.
    ///
    /// - Throws: `StateError.lockHeld` naming the server that holds it, or `.io`.
    public static func acquire(databasePath: String, holder: LockHolder) throws -> ServeLease {
        let path = path(forDatabase: databasePath)
        guard let descriptor = try StateLock.tryLock(path: path) else {
            let who = StateLock.readHolder(path: path).map { "\($0)" } ?? "another calsync serve"
            throw StateError(
                .lockHeld,
                "another server already serves the state \"\(databasePath)\": \(who). Stop it first, or give this one another state with --state.")
        }
        StateLock.writeHolder(holder, descriptor: descriptor)
        return ServeLease(path: path, holder: holder, descriptor: descriptor)
    }

    /// Gives the lease up.
    public func release() {
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
