import Foundation

extension Workspace {
    /// Runs `calsync` here on a thread of its own, so a test waiting for it leaves Swift's cooperative
    /// threads free: an emulator started in the test process keeps answering the binary meanwhile (on a
    /// two-core machine, two tests blocked in `calsync(_:)` would starve it).
    public func calsyncDetached(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> CommandResult {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try self.calsync(arguments, environment: extra) })
            }
        }
    }
}
