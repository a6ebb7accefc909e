import CalsyncModel
import CalsyncProviders
import CalsyncSecrets
import CalsyncState
import Foundation
import Logging

/// The server's endpoints: each handler verifies, enqueues or reads, and answers. Nothing here
/// syncs or calls a vendor; that happens in the worker and the seams after the answer.
struct ServerHandlers: Sendable {
    let store: SQLiteStateStore
    let verifier: WebhookVerifier
    let queue: NotificationQueue
    let seams: ServerSeams
    let metrics: ServerMetrics
    let configuration: ServerConfiguration
    let logger: Logger
    let now: @Sendable () -> Date
    let random: any RandomSource

    /// Answers `request`, which matched `route`. Thrown `APIError`s become their JSON answer; any other
    /// error is logged and answered 500 without its text.
    func respond(to request: ServerRequest, route: ServerRoute) async -> ServerResponse {
        do {
            switch route {
            case .healthz: return try healthz()
            case .metrics:
                return ServerResponse(
                    status: 200, headers: [("Content-Type", "text/plain; version=0.0.4; charset=utf-8")],
                    body: Data(metrics.rendered().utf8))
            case .googleWebhook: return try await googleWebhook(request)
            case .microsoftWebhook: return try await microsoftWebhook(request)
            case .listEntries(let tenant): return try listEntries(request, tenant: tenant)
            case .createEntry(let tenant): return try createEntry(request, tenant: tenant)
            case .getEntry(let tenant, let id): return try getEntry(request, tenant: tenant, id: id)
            case .updateEntry(let tenant, let id): return try updateEntry(request, tenant: tenant, id: id)
            case .deleteEntry(let tenant, let id): return try deleteEntry(request, tenant: tenant, id: id)
            case .providers(let tenant): return try providers(request, tenant: tenant)
            case .oauthStart(let tenant, let provider): return try await oauthStart(request, tenant: tenant, provider: provider)
            case .oauthCallback: return try await oauthCallback(request)
            }
        } catch let error as APIError {
            return error.response
        } catch {
            logger.error("request failed", metadata: ["route": "\(route.template)", "error": "\(error)"])
            return APIError.internalError.response
        }
    }

    /// `GET /healthz`: 200 `{"status":"ok"}` while the state can be read, else 503.
    private func healthz() throws -> ServerResponse {
        do {
            _ = try store.serial()
        } catch {
            logger.error("health check cannot read the state", metadata: ["error": "\(error)"])
            throw APIError.unavailable("the state database cannot be read; the server log says why.")
        }
        return .json(200, .object([("status", "ok")]))
    }
}
