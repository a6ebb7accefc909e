import Foundation

/// Bounds how many commands the test process runs at once.
///
/// Swift Testing starts hundreds of tests together, and every command holds a process and its pipes:
/// unbounded, a run on two cores thrashes and can pass the open-file limit (1,024 on many CI hosts).
/// `CALSYNC_TEST_PROCESSES` sets the bound; the default is four per core.
actor ProcessSlots {
    /// The slots every `CommandRunner` call shares.
    static let shared = ProcessSlots(
        limit: ProcessInfo.processInfo.environment["CALSYNC_TEST_PROCESSES"].flatMap(Int.init)
            ?? max(4, ProcessInfo.processInfo.activeProcessorCount * 4))

    private var free: Int
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) {
        free = max(1, limit)
    }

    /// Runs `body` once a slot is free, and frees it after.
    nonisolated func run<T: Sendable>(_ body: () async throws -> T) async rethrows -> T {
        await acquire()
        do {
            let value = try await body()
            await release()
            return value
        } catch {
            await release()
            throw error
        }
    }

    private func acquire() async {
        if free > 0 {
            free -= 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }
    }

    private func release() {
        if waiting.isEmpty {
            free += 1
        } else {
            waiting.removeFirst().resume()
        }
    }
}
