import CoreMetrics
import Foundation
import Prometheus

/// The server's counters and gauges, recorded through swift-metrics into a Prometheus registry of
/// the server's own (no process-wide bootstrap), and rendered as Prometheus text by `GET /metrics`.
///
/// | metric | labels |
/// |---|---|
/// | `calsync_http_requests_total` | `route` (the route template), `status` |
/// | `calsync_webhook_notifications_total` | `vendor`, `result` (`accepted`, `rejected`) |
/// | `calsync_syncs_total` | `result` (`succeeded`, `failed`, `busy`, `pending`) |
/// | `calsync_sync_failures_total` | — |
/// | `calsync_sync_queue_depth` | — (providers waiting) |
/// | `calsync_webhook_renewals_total` | `kind` (`maintenance`, `reauthorize`, `replace`), `result` (`succeeded`, `failed`) |
/// | `calsync_reconcile_passes_total` | `result` (`completed`, `skipped`, `failed`) |
/// | `calsync_stale_providers` | — |
public final class ServerMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    private let factory: PrometheusMetricsFactory
    private let counters = CounterCache()
    private let queueDepthGauge: CoreMetrics.Gauge
    private let staleGauge: CoreMetrics.Gauge

    public init() {
        registry = PrometheusCollectorRegistry()
        factory = PrometheusMetricsFactory(registry: registry)
        queueDepthGauge = CoreMetrics.Gauge(label: "calsync_sync_queue_depth", factory: factory)
        staleGauge = CoreMetrics.Gauge(label: "calsync_stale_providers", factory: factory)
        queueDepthGauge.record(0)
        staleGauge.record(0)
        for result in ["completed", "skipped", "failed"] { counter("calsync_reconcile_passes_total", [("result", result)]).increment(by: 0) }
        for result in ["succeeded", "failed", "busy", "pending"] { counter("calsync_syncs_total", [("result", result)]).increment(by: 0) }
        counter("calsync_sync_failures_total", []).increment(by: 0)
        for vendor in ["google", "microsoft"] {
            for result in ["accepted", "rejected"] {
                counter("calsync_webhook_notifications_total", [("vendor", vendor), ("result", result)]).increment(by: 0)
            }
        }
    }

    /// One answered request.
    func request(route: String, status: Int) {
        counter("calsync_http_requests_total", [("route", route), ("status", String(status))]).increment()
    }

    /// A webhook notification that passed or failed verification.
    func notification(vendor: String, accepted: Bool) {
        counter("calsync_webhook_notifications_total", [("vendor", vendor), ("result", accepted ? "accepted" : "rejected")])
            .increment()
    }

    /// A sync the worker ran through the sync seam.
    func sync(_ result: String) {
        counter("calsync_syncs_total", [("result", result)]).increment()
        if result == "failed" { counter("calsync_sync_failures_total", []).increment() }
    }

    /// A webhook renewal, re-registration or maintenance run.
    func renewal(kind: String, succeeded: Bool, count: Int = 1) {
        counter("calsync_webhook_renewals_total", [("kind", kind), ("result", succeeded ? "succeeded" : "failed")])
            .increment(by: count)
    }

    /// A reconcile pass of the timer.
    func reconcilePass(_ result: String) {
        counter("calsync_reconcile_passes_total", [("result", result)]).increment()
    }

    /// Providers waiting in the notification queue.
    func queueDepth(_ depth: Int) { queueDepthGauge.record(depth) }

    /// Providers whose last sync is older than twice their interval.
    func staleProviders(_ count: Int) { staleGauge.record(count) }

    /// Everything, in the Prometheus text format.
    public func rendered() -> String { registry.emitToString() }

    private func counter(_ label: String, _ dimensions: [(String, String)]) -> CoreMetrics.Counter {
        let key = label + dimensions.map { "|\($0.0)=\($0.1)" }.joined()
        return counters.counter(key) { CoreMetrics.Counter(label: label, dimensions: dimensions, factory: factory) }
    }
}

/// Counters by label and dimensions, made once: the registry lookup runs only on first use.
private final class CounterCache: @unchecked Sendable {
    private let lock = NSLock()
    // Guarded by `lock`.
    private var counters: [String: CoreMetrics.Counter] = [:]

    func counter(_ key: String, make: () -> CoreMetrics.Counter) -> CoreMetrics.Counter {
        lock.withLock {
            if let existing = counters[key] { return existing }
            let made = make()
            counters[key] = made
            return made
        }
    }
}
