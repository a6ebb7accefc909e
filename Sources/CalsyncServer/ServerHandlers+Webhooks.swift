import CalsyncModel
import Foundation

/// `POST /webhooks/google` and `POST /webhooks/microsoft` (SPEC section 9): verify, enqueue, answer.
extension ServerHandlers {
    /// A Google push message: headers only. `sync` is acknowledged; `exists` (and `not_exists`) marks
    /// the channel's provider due.
    func googleWebhook(_ request: ServerRequest) async throws -> ServerResponse {
        guard let id = request.header("x-goog-channel-id"), !id.isEmpty else {
            metrics.notification(vendor: "google", accepted: false)
            throw APIError.unauthorized("X-Goog-Channel-ID is missing: only Google push messages are accepted here.")
        }
        let verdict = verifier.verify(
            vendor: .google, id: id, secret: request.header("x-goog-channel-token"),
            resourceID: request.header("x-goog-resource-id"))
        let record = try accepted(verdict, vendor: "google", id: id)
        var logger = self.logger
        logger[metadataKey: "tenant"] = "\(record.ref.tenant)"
        logger[metadataKey: "provider"] = "\(record.ref.provider)"
        switch request.header("x-goog-resource-state") {
        case "sync":
            metrics.notification(vendor: "google", accepted: true)
            logger.debug("channel sync message acknowledged", metadata: ["channel": "\(id)"])
            return .empty(200)
        case "exists", "not_exists":
            metrics.notification(vendor: "google", accepted: true)
            try await markDue(record.ref, .sync)
            return .empty(200)
        default:
            metrics.notification(vendor: "google", accepted: false)
            throw APIError.badRequest("X-Goog-Resource-State must be sync, exists or not_exists.")
        }
    }

    /// A Graph request: the `validationToken` handshake, or a collection of change and lifecycle
    /// notifications, each accepted only with its subscription's `clientState`. Answers 202 and
    /// leaves the work to the worker.
    func microsoftWebhook(_ request: ServerRequest) async throws -> ServerResponse {
        if let token = request.query("validationToken") {
            guard token.utf8.count <= 4096 else { throw APIError.badRequest("validationToken is longer than 4096 bytes.") }
            return ServerResponse(status: 200, headers: [("Content-Type", "text/plain")], body: Data(token.utf8))
        }
        let items = try GraphNotification.parseCollection(request.body)
        var accepted: [(WebhookRecord, GraphNotification)] = []
        var sawForged = false
        for item in items {
            let verdict = verifier.verify(vendor: .microsoft, id: item.subscriptionID, secret: item.clientState)
            switch verdict {
            case .accepted(let record):
                metrics.notification(vendor: "microsoft", accepted: true)
                accepted.append((record, item))
            case .unknown:
                metrics.notification(vendor: "microsoft", accepted: false)
                logger.notice("notification for an unknown subscription refused", metadata: ["subscription": "\(item.subscriptionID)"])
            case .forged:
                sawForged = true
                metrics.notification(vendor: "microsoft", accepted: false)
                logger.warning("notification with a wrong clientState refused", metadata: ["subscription": "\(item.subscriptionID)"])
            case .unavailable(let reason):
                logger.error("cannot verify notifications", metadata: ["reason": "\(reason)"])
                throw APIError.unavailable("the server cannot verify notifications now. Retry later.")
            }
        }
        guard !accepted.isEmpty else {
            if sawForged { throw APIError.forbidden("clientState does not match the subscription's.") }
            throw APIError.unauthorized("no live subscription has this id.")
        }
        for (record, item) in accepted {
            switch item.lifecycleEvent {
            case nil:
                try await markDue(record.ref, .sync)
            case "reauthorizationRequired":
                await queue.enqueue(record.ref, ProviderWork(renewals: [record.id]))
            case "subscriptionRemoved":
                try await markDue(record.ref, ProviderWork(sync: true, replacements: [record.id]))
            case "missed":
                try await markDue(record.ref, ProviderWork(sync: true, isFull: true))
            case let other?:
                logger.notice("unknown lifecycle event ignored", metadata: ["subscription": "\(record.id)", "event": "\(other)"])
            }
        }
        return .empty(202)
    }

    /// The channel or subscription `verdict` accepted, or the refusal to answer.
    private func accepted(_ verdict: WebhookVerifier.Verdict, vendor: String, id: String) throws -> WebhookRecord {
        switch verdict {
        case .accepted(let record):
            return record
        case .unknown:
            metrics.notification(vendor: vendor, accepted: false)
            logger.notice("notification for an unknown channel refused", metadata: ["vendor": "\(vendor)", "channel": "\(id)"])
            throw APIError.unauthorized("no live channel has this id.")
        case .forged:
            metrics.notification(vendor: vendor, accepted: false)
            logger.warning("notification with a wrong channel token refused", metadata: ["vendor": "\(vendor)", "channel": "\(id)"])
            throw APIError.forbidden("the channel token does not match the channel's.")
        case .unavailable(let reason):
            logger.error("cannot verify notifications", metadata: ["reason": "\(reason)"])
            throw APIError.unavailable("the server cannot verify notifications now. Retry later.")
        }
    }

    /// Records `ref` as due in the state (so a restart does not lose it), then queues `work`.
    func markDue(_ ref: ProviderRef, _ work: ProviderWork) async throws {
        if work.sync, await !queue.isWaiting(ref) {
            do {
                guard try store.markNotificationPending(ref) else {
                    logger.notice("notification for a provider the state no longer records", metadata: ["provider": "\(ref)"])
                    return
                }
            } catch {
                logger.error("cannot record the notification in the state", metadata: ["provider": "\(ref)", "error": "\(error)"])
                throw APIError.unavailable("the server cannot record the notification now. Retry later.")
            }
        }
        await queue.enqueue(ref, work)
    }
}

/// One item of a Graph notification collection: a change notification or a lifecycle notification.
struct GraphNotification: Sendable, Hashable {
    var subscriptionID: String
    var clientState: String?
    /// `reauthorizationRequired`, `subscriptionRemoved` or `missed`; nil for a change notification.
    var lifecycleEvent: String?

    /// Parses `{"value": [...]}`.
    ///
    /// - Throws: `APIError.badRequest` for anything else.
    static func parseCollection(_ body: Data) throws -> [GraphNotification] {
        let malformed = APIError.badRequest(
            "the body is not a Graph notification collection: send JSON {\"value\": [{\"subscriptionId\": ..., \"clientState\": ...}]}.")
        guard let values = JSONInput.parse(body)?.objectValue?["value"]?.arrayValue, !values.isEmpty else { throw malformed }
        return try values.map { value in
            guard let item = value.objectValue, let id = item["subscriptionId"]?.stringValue, !id.isEmpty else {
                throw malformed
            }
            return GraphNotification(
                subscriptionID: id, clientState: item["clientState"]?.stringValue,
                lifecycleEvent: item["lifecycleEvent"]?.stringValue)
        }
    }
}
