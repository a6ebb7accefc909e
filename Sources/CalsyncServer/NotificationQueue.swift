import CalsyncModel
import Foundation

/// The coalescing queue between the webhook handlers and the sync worker: one key per provider,
/// duplicates merged, each key due a debounce interval after it was first queued.
///
/// Handlers only enqueue keys and answer; the worker takes due keys, at most `maxConcurrent` at a
/// time and never two for one provider, so many notifications for one provider cause one sync per
/// debounce interval. Reconciliation is level-based: the work is a key, never a payload.
actor NotificationQueue {
    private struct Pending {
        var work: ProviderWork
        var dueAt: ContinuousClock.Instant
    }

    private let debounce: Duration
    private let maxConcurrent: Int
    private let onDepthChange: @Sendable (Int) -> Void
    private var pending: [ProviderRef: Pending] = [:]
    private var running: Set<ProviderRef> = []
    private var isClosed = false
    private let wakeup = Wakeup()

    /// - Parameters:
    ///   - debounce: How long a key waits for more notifications before it is due.
    ///   - maxConcurrent: Keys handed out and not yet finished, at most.
    ///   - onDepthChange: Told the number of waiting keys whenever it changes (the queue-depth gauge).
    init(debounce: Duration, maxConcurrent: Int, onDepthChange: @escaping @Sendable (Int) -> Void = { _ in }) {
        self.debounce = debounce
        self.maxConcurrent = max(1, maxConcurrent)
        self.onDepthChange = onDepthChange
    }

    /// Queues `work` for `ref`, merging it into work already waiting.
    ///
    /// - Returns: true when `ref` was not waiting before (the caller records it as due in the state).
    @discardableResult
    func enqueue(_ ref: ProviderRef, _ work: ProviderWork) -> Bool {
        guard !isClosed else { return false }
        if let existing = pending[ref] {
            pending[ref]?.work = existing.work.merged(with: work)
            return false
        }
        pending[ref] = Pending(work: work, dueAt: .now + debounce)
        onDepthChange(pending.count)
        wakeup.signal()
        return true
    }

    /// The next due key and its work, waiting until one is due and a slot is free; nil once closed.
    func next() async -> (ProviderRef, ProviderWork)? {
        while true {
            if isClosed || Task.isCancelled { return nil }
            let now = ContinuousClock.now
            let candidates = pending.filter { !running.contains($0.key) }
            if running.count < maxConcurrent,
                let (ref, item) = candidates.filter({ $0.value.dueAt <= now }).min(by: { $0.value.dueAt < $1.value.dueAt })
            {
                pending[ref] = nil
                running.insert(ref)
                onDepthChange(pending.count)
                return (ref, item.work)
            }
            let deadline = running.count < maxConcurrent ? candidates.values.map(\.dueAt).min() : nil
            await wakeup.wait(until: deadline)
        }
    }

    /// The worker finished `ref`'s work.
    func finished(_ ref: ProviderRef) {
        running.remove(ref)
        wakeup.signal()
    }

    /// Stops handing out keys; `next()` returns nil. Waiting keys stay recorded as due in the state.
    func close() {
        isClosed = true
        wakeup.signal()
    }

    /// Whether `ref` waits (queued, not yet handed out).
    func isWaiting(_ ref: ProviderRef) -> Bool { pending[ref] != nil }

    /// Keys waiting (not running).
    var depth: Int { pending.count }
}
