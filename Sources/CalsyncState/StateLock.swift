import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The state lock: an advisory `flock` on a file beside the database, released by the kernel when
/// its holder dies, even by `kill -9`.
public final class StateLock: Sendable {
    public let path: String
    public let holder: LockHolder
    private let descriptor: Int32

    private init(path: String, holder: LockHolder, descriptor: Int32) {
        self.path = path
        self.holder = holder
        self.descriptor = descriptor
    }

    /// The lock file of the database at `databasePath`.
    public static func path(forDatabase databasePath: String) -> String { databasePath + ".lock" }

    /// Takes the lock, waiting up to `timeout` (nil: fail at once).
    ///
    /// - Throws: `StateError.lockHeld` naming the holder, or `.io`.
    public static func acquire(
        databasePath: String, holder: LockHolder, timeout: Duration?, clock: any Clock<Duration> = ContinuousClock()
    ) async throws -> StateLock {
        let path = path(forDatabase: databasePath)
        let deadline = timeout.map { ContinuousClock.now + $0 }
        while true {
            if let descriptor = try tryLock(path: path) {
                let lock = StateLock(path: path, holder: holder, descriptor: descriptor)
                lock.writeHolder()
                return lock
            }
            if let deadline, ContinuousClock.now < deadline {
                try await clock.sleep(for: .milliseconds(100))
                continue
            }
            let current = readHolder(path: path)
            let who = current.map { "held by \($0)" } ?? "held by another run"
            throw StateError(
                .lockHeld,
                "the state lock is \(who). Wait for it to finish, retry with --lock-timeout, or break it with `calsync state unlock --force \(current?.id ?? "ID")` if that run is gone.")
        }
    }

    /// Takes an exclusive `flock` on the file at `path` without waiting, creating it and its directory.
    ///
    /// - Returns: The open descriptor holding the lock, or nil when another process holds it.
    /// - Throws: `StateError.io` when the file cannot be opened.
    static func tryLock(path: String) throws -> Int32? {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        while true {
            let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
            guard descriptor >= 0 else {
                throw StateError(.io, "cannot open the lock file \"\(path)\": \(String(cString: strerror(errno)))")
            }
            guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
                close(descriptor)
                return nil
            }
            // The file may have been replaced (`state unlock --force`) between open and flock.
            var opened = stat(), current = stat()
            if fstat(descriptor, &opened) == 0, stat(path, &current) == 0, opened.st_ino == current.st_ino {
                return descriptor
            }
            close(descriptor)
        }
    }

    /// The holder recorded in the lock file at `path`, if any.
    public static func readHolder(path: String) -> LockHolder? {
        guard let data = FileManager.default.contents(atPath: path), !data.isEmpty else { return nil }
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(LockHolder.self, from: data)
    }

    /// Whether some process holds the lock now.
    public static func isHeld(databasePath: String) -> Bool {
        let path = path(forDatabase: databasePath)
        let descriptor = open(path, O_RDWR | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        if flock(descriptor, LOCK_EX | LOCK_NB) == 0 {
            flock(descriptor, LOCK_UN)
            return false
        }
        return true
    }

    /// Breaks the lock whose holder has `id`: the lock file is replaced, so the next run locks a new one.
    ///
    /// The old holder, if still running, is no longer excluded; use it only when that run is gone or stuck.
    public static func forceUnlock(databasePath: String, id: String) throws {
        let path = path(forDatabase: databasePath)
        guard let current = readHolder(path: path) else {
            throw StateError(.lockMismatch, "no lock holder is recorded in \"\(path)\"; nothing to unlock.")
        }
        guard current.id == id else {
            throw StateError(
                .lockMismatch, "the state lock is held by lock id \(current.id), not \(id). Check the id in the lock message.")
        }
        guard unlink(path) == 0 || errno == ENOENT else {
            throw StateError(.io, "cannot remove \"\(path)\": \(String(cString: strerror(errno)))")
        }
    }

    private func writeHolder() { Self.writeHolder(holder, descriptor: descriptor) }

    /// Records `holder` in the lock file open at `descriptor`, for other runs' messages.
    static func writeHolder(_ holder: LockHolder, descriptor: Int32) {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys]
        guard let data = try? encoder.encode(holder) else { return }
        _ = ftruncate(descriptor, 0)
        _ = data.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }

    /// Releases the lock.
    public func release() {
        _ = ftruncate(descriptor, 0)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }
}
