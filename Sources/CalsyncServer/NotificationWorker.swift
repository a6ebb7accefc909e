import CalsyncModel
import CalsyncState
import Foundation
import Logging
import ServiceLifecycle

/// The service that drains the notification queue: for each due provider it renews or replaces the
/// Graph subscriptions a lifecycle notification named, then syncs through the sync seam.
///
/// On graceful shutdown it stops taking keys and lets the syncs in flight finish; keys still waiting
/// stay recorded as due in the state, so the next reconcile pass (or the next server) syncs them.
final class NotificationWorker: Service {
    private let queue: NotificationQueue
    private let store: SQLiteStateStore
    private let seams: ServerSeams
    private let metrics: ServerMetrics
    private let logger: Logger
    private let retryDelay: Duration

    init(queue: NotificationQueue, store: SQLiteStateStore, seams: ServerSeams, metrics: ServerMetrics, logger: Logger, retryDelay: Duration) {
        self.queue = queue
        self.store = store
        self.seams = seams
        self.metrics = metrics
        self.logger = logger
        self.retryDelay = retryDelay
    }

    func run() async {
        let queue = self.queue
        await withDiscardingTaskGroup { group in
            await withGracefulShutdownHandler {
                await withTaskCancellationHandler {
                    while let (ref, work) = await queue.next() {
                        group.addTask {
                            await self.perform(ref, work)
                            await queue.finished(ref)
                        }
                    }
                } onCancel: {
                    Task { await queue.close() }
                }
            } onGracefulShutdown: {
                Task { await queue.close() }
            }
        }
    }

    /// Does one provider's work; failures are logged and counted, never thrown.
    private func perform(_ ref: ProviderRef, _ work: ProviderWork) async {
        var logger = self.logger
        logger[metadataKey: "tenant"] = "\(ref.tenant)"
        logger[metadataKey: "provider"] = "\(ref.provider)"
        for id in work.renewals.sorted() {
            await lifecycle(id, kind: "reauthorize", logger: logger) { try await self.seams.renewSubscription($0) }
        }
        for id in work.replacements.sorted() {
            await lifecycle(id, kind: "replace", logger: logger) { try await self.seams.replaceSubscription($0) }
        }
        guard work.sync else { return }
        let request = SyncRequest(ref: ref, isFull: work.isFull)
        do {
            let result = try await seams.sync(request)
            metrics.sync(result.rawValue)
            logger.info("sync finished", metadata: ["result": "\(result.rawValue)", "full": "\(work.isFull)"])
            if result == .busy {
                try? await Task.sleep(for: retryDelay)
                await queue.enqueue(ref, ProviderWork(sync: true, isFull: work.isFull))
            }
        } catch {
            metrics.sync("failed")
            logger.error("sync failed; the provider stays due", metadata: ["full": "\(work.isFull)", "error": "\(error)"])
        }
    }

    private func lifecycle(
        _ id: String, kind: String, logger: Logger, _ action: (WebhookRecord) async throws -> Void
    ) async {
        do {
            guard let record = try store.webhook(id: id) else {
                logger.notice("subscription is no longer recorded; nothing to do", metadata: ["subscription": "\(id)", "kind": "\(kind)"])
                return
            }
            try await action(record)
            metrics.renewal(kind: kind, succeeded: true)
            logger.info("subscription handled", metadata: ["subscription": "\(id)", "kind": "\(kind)"])
        } catch {
            metrics.renewal(kind: kind, succeeded: false)
            logger.error("subscription handling failed", metadata: ["subscription": "\(id)", "kind": "\(kind)", "error": "\(error)"])
        }
    }
}
