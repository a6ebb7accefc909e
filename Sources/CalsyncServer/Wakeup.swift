import Foundation

/// A one-waiter alarm: `wait(until:)` returns at a `signal()` (or one given since the last wait),
/// at the deadline, or when the waiting task is cancelled.
///
/// Callers loop and re-check their condition, so an early return is harmless.
final class Wakeup: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var waiter: CheckedContinuation<Void, Never>?
    private var timer: Task<Void, Never>?
    private var isSignalled = false
    private var generation = 0

    /// Wakes the waiter, or the next wait when nobody waits.
    func signal() {
        let woken: CheckedContinuation<Void, Never>? = lock.withLock {
            guard waiter != nil else {
                isSignalled = true
                return nil
            }
            return take()
        }
        woken?.resume()
    }

    /// Suspends until a signal, `deadline` (nil: no deadline) or cancellation.
    func wait(until deadline: ContinuousClock.Instant?) async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow: Bool = lock.withLock {
                    if isSignalled || Task.isCancelled {
                        isSignalled = false
                        return true
                    }
                    generation += 1
                    let current = generation
                    waiter = continuation
                    if let deadline {
                        timer = Task { [weak self] in
                            try? await Task.sleep(until: deadline, clock: .continuous)
                            guard !Task.isCancelled else { return }
                            self?.fire(generation: current)
                        }
                    }
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            self.fire(generation: nil)
        }
    }

    /// Resumes the waiter of `generation` (nil: whoever waits).
    private func fire(generation expected: Int?) {
        let woken: CheckedContinuation<Void, Never>? = lock.withLock {
            guard waiter != nil, expected == nil || expected == generation else { return nil }
            return take()
        }
        woken?.resume()
    }

    /// Takes the waiter and stops its timer; call with `lock` held.
    private func take() -> CheckedContinuation<Void, Never>? {
        let woken = waiter
        waiter = nil
        timer?.cancel()
        timer = nil
        return woken
    }
}
