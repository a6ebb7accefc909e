import CalsyncModel
import Foundation

// MARK: - JSON batching

extension GraphCalendarClient {
    /// Sub-request statuses sent again on their own: throttled (429, after its `Retry-After`), a refused
    /// token (401, refreshed by the single create) and transient server failures.
    static let individuallyRetriedStatuses: Set<Int> = [401, 429, 500, 502, 503, 504]

    /// Creates the events with `POST /$batch`, at most 20 per batch, each sub-request carrying its
    /// `transactionId`.
    ///
    /// Sub-requests answered 429 are sent again one by one after the longest `Retry-After` among them
    /// (on the client's clock), as are 401 and 5xx ones; the transport's own retry rules then apply.
    /// A batch that fails as a whole makes each of its drafts a `.failure` with that error.
    public func createEvents(calendarId: String, _ drafts: [(EventDraft, idempotencyKey: String)]) async throws
        -> [Result<VendorEvent, any Error>]
    {
        var results: [Result<VendorEvent, any Error>?] = Array(repeating: nil, count: drafts.count)
        for first in stride(from: 0, to: drafts.count, by: Self.batchLimit) {
            let indices = Array(first..<min(first + Self.batchLimit, drafts.count))
            var again: [Int] = []
            var wait: Duration = .zero
            do {
                let answers = try await batch(calendarId: calendarId, indices.map { drafts[$0] })
                for (offset, answer) in answers.enumerated() {
                    let index = indices[offset]
                    if answer.isSuccess {
                        results[index] = Result { try Self.created(drafts[index].0, from: answer) }
                    } else if Self.individuallyRetriedStatuses.contains(answer.status) {
                        again.append(index)
                        if let retryAfter = answer.header("Retry-After").flatMap(RetryAfter.init(headerValue:)) {
                            wait = max(wait, retryAfter.delay(from: timeSource.now))
                        }
                    } else {
                        results[index] = .failure(VendorError(response: answer))
                    }
                }
            } catch let error where CalendarClients.stopsBatch(error) {
                throw error
            } catch {
                for index in indices { results[index] = .failure(error) }
                continue
            }
            if !again.isEmpty && wait > .zero { try await clock.sleep(for: wait) }
            for index in again {
                do {
                    let (draft, key) = drafts[index]
                    results[index] = .success(try await createEvent(calendarId: calendarId, draft, idempotencyKey: key))
                } catch let error where CalendarClients.stopsBatch(error) {
                    throw error
                } catch {
                    results[index] = .failure(error)
                }
            }
        }
        return results.map { $0 ?? .failure(CalendarClientError.malformedResponse("Graph left a batch create unanswered.")) }
    }

    /// Sends one `$batch` of creates; returns each sub-response, in the order of `drafts`.
    private func batch(calendarId: String, _ drafts: [(EventDraft, idempotencyKey: String)]) async throws
        -> [HTTPResponse]
    {
        let path = "/" + Self.calendarPath(calendarId).map(VendorWire.escape).joined(separator: "/") + "/events"
        let requests: [JSONValue] = drafts.enumerated().map { offset, item in
            .object([
                ("id", .string(String(offset))), ("method", "POST"), ("url", .string(path)),
                ("headers", .object([("Content-Type", "application/json")])),
                ("body", GraphEventResource.body(item.0, transactionID: item.idempotencyKey)),
            ])
        }
        // Every sub-request carries its transactionId, so sending the whole batch again creates nothing twice.
        let response = try await send(
            HTTPRequest(
                method: "POST", url: VendorWire.url(api, ["$batch"]), headers: Self.jsonHeaders,
                body: VendorWire.body(.object([("requests", .array(requests))])),
                idempotencyKey: drafts.map(\.idempotencyKey).joined(separator: ",")))
        try Self.check(response)
        guard let object = try? JSONSerialization.jsonObject(with: response.body) as? [String: Any],
            let items = object["responses"] as? [[String: Any]]
        else {
            throw CalendarClientError.malformedResponse(
                "Graph answered a $batch with a body that is not a batch response (\(response)). Check the configured endpoint.")
        }
        var byID: [String: HTTPResponse] = [:]
        for item in items {
            guard let id = item["id"] as? String, let status = item["status"] as? Int else { continue }
            let headers = (item["headers"] as? [String: Any])?.compactMapValues { $0 as? String } ?? [:]
            var body = Data()
            if let json = item["body"], JSONSerialization.isValidJSONObject(json) {
                body = (try? JSONSerialization.data(withJSONObject: json)) ?? Data()
            }
            byID[id] = HTTPResponse(status: status, headers: headers, body: body)
        }
        return try drafts.indices.map { offset in
            guard let answer = byID[String(offset)] else {
                throw CalendarClientError.malformedResponse(
                    "Graph's $batch response has no answer for sub-request \(offset). Check the configured endpoint.")
            }
            return answer
        }
    }
}
