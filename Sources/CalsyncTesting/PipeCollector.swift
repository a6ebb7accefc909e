import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Everything a child process writes to one pipe, read as it comes on a thread of its own.
///
/// The reads are plain `read(2)` calls until end of file, after which the descriptor is closed.
/// Foundation's `readabilityHandler` and `availableData` are avoided on purpose: on Linux they trap
/// on a read error, and a handler left on a pipe at end of file keeps firing.
public final class PipeCollector: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var data = Data()
    private var finished = false

    /// Starts reading the read end of `pipe`; the write end belongs to the child.
    public init(_ pipe: Pipe) {
        let handle = pipe.fileHandleForReading
        Thread.detachNewThread { [self] in
            let descriptor = handle.fileDescriptor
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
                if count > 0 {
                    lock.withLock { data.append(contentsOf: buffer[0..<count]) }
                } else if count < 0 && errno == EINTR {
                    continue
                } else {
                    break
                }
            }
            try? handle.close()
            lock.withLock { finished = true }
        }
    }

    /// What was read so far.
    public var bytes: Data { lock.withLock { data } }

    /// What was read so far, as UTF-8 text.
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Whether the pipe reached its end: every writer closed it.
    public var isFinished: Bool { lock.withLock { finished } }

    /// Waits (polling, so no thread blocks) for the end of the pipe, at most `timeout`, and returns what was read.
    public func finish(timeout: Duration = .seconds(30)) async -> Data {
        let deadline = ContinuousClock.now + timeout
        while !isFinished && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
        return bytes
    }
}
