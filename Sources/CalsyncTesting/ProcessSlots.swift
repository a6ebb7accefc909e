import CalsyncProviders
import Foundation

/// Bounds how many commands the test process runs at once.
///
/// Swift Testing starts hundreds of tests together, and every command holds a process and its pipes:
/// unbounded, a run on two cores thrashes and can pass the open-file limit (1,024 on many CI hosts).
/// `CALSYNC_TEST_PROCESSES` sets the bound; the default is four per core.
enum ProcessSlots {
    /// The slots every `CommandRunner` call shares.
    static let shared = RequestGate(
        limit: ProcessInfo.processInfo.environment["CALSYNC_TEST_PROCESSES"].flatMap(Int.init)
            ?? max(4, ProcessInfo.processInfo.activeProcessorCount * 4))
}
