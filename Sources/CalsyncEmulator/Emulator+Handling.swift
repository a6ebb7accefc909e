import Foundation

extension GoogleError: Error {}
extension GraphError: Error {}

/// An OAuth token-endpoint error (`{"error","error_description",...}`).
struct OAuthError: Error, Sendable {
    let status: Int
    let body: JSONValue
}

/// An error answered as-is.
struct PlainError: Error, Sendable {
    let response: EmulatorResponse
}

extension Emulator {
    /// Handles one request: logs it, applies any matching fault, runs the handler.
    /// - Parameters:
    ///   - request: The request.
    ///   - origin: Scheme, host and port the client used (`http://127.0.0.1:8080`), for absolute links.
    /// - Returns: The response, or an instruction to drop the connection.
    public func respond(to request: EmulatorRequest, origin: String) async -> HandlingOutcome {
        await respond(to: request, origin: origin, isBatched: false)
    }

    /// Outlook's limit of concurrent requests per mailbox.
    static let graphMailboxConcurrency = 4

    /// Handles one request; `isBatched` marks a `$batch` sub-request in the request log.
    func respond(to request: EmulatorRequest, origin: String, isBatched: Bool) async -> HandlingOutcome {
        let match = Router.match(method: request.method, segments: request.pathSegments)
        let template = match?.template ?? "unmatched"
        let logIndex = requestLog.count
        requestLog.append(
            RequestLogEntry(
                method: request.method, path: request.path,
                query: request.query.isEmpty ? nil : QueryString.make(request.query), route: template,
                batched: isBatched ? true : nil, status: nil,
                at: DateFormats.rfc3339(clock.now)))
        let isControl = template.hasPrefix("/_control")
        // Outlook answers a mailbox's request beyond 4 in flight with 429 (a `$batch`'s sub-requests
        // travel inside it and are not counted again).
        let mailbox = isBatched || !template.hasPrefix("/graph/") ? nil : bearerGrant(request)?.accountID
        if let mailbox {
            guard graphInFlight[mailbox, default: 0] < Self.graphMailboxConcurrency else {
                var response = graphErrorResponse(.mailboxConcurrency)
                response.headers.append(("Retry-After", "1"))
                requestLog[logIndex].status = response.status
                return .respond(response)
            }
            graphInFlight[mailbox, default: 0] += 1
        }
        defer { if let mailbox { graphInFlight[mailbox, default: 1] -= 1 } }
        let fault = isControl ? nil : takeFault(method: request.method, path: request.path, template: template)
        if let delay = fault?.delayMilliseconds, delay > 0 {
            try? await Task.sleep(for: .milliseconds(delay))
        }
        if fault?.drop == .before { return .dropConnection }
        let response: EmulatorResponse
        if let fault, let status = fault.status {
            response = faultResponse(fault, status: status, template: template)
        } else if let match {
            response = await run(match, request: request, origin: origin)
        } else {
            response = notFound(template: request.path)
        }
        if fault?.drop == .after { return .dropConnection }
        if logIndex < requestLog.count { requestLog[logIndex].status = response.status }
        return .respond(response)
    }

    /// Runs a matched endpoint and turns thrown vendor errors into responses.
    func run(_ match: RouteMatch, request: EmulatorRequest, origin: String) async -> EmulatorResponse {
        do {
            switch match.endpoint {
            case .googleAuthorize: return try googleAuthorize(request)
            case .googleToken: return try googleToken(request)
            case .googleRevoke: return try googleRevoke(request)
            case .microsoftAuthorize(let tenant): return try microsoftAuthorize(request, tenant: tenant)
            case .microsoftToken(let tenant): return try microsoftToken(request, tenant: tenant)
            case .googleCalendarList, .googleCalendar, .googleListEvents, .googleInsertEvent, .googleWatchEvents,
                .googleGetEvent, .googlePatchEvent, .googleUpdateEvent, .googleDeleteEvent, .googleStopChannel:
                return try handleGoogle(match.endpoint, request: request, origin: origin)
            case .graph(let user, let endpoint):
                return try handleGraph(endpoint, user: user, request: request, origin: origin)
            case .graphBatch:
                return try await graphBatch(request, origin: origin)
            case .graphCreateSubscription:
                return try await createSubscription(request, origin: origin)
            case .graphListSubscriptions, .graphGetSubscription, .graphRenewSubscription, .graphDeleteSubscription,
                .graphReauthorizeSubscription:
                return try handleSubscription(match.endpoint, request: request, origin: origin)
            case .control(let endpoint):
                return try await handleControl(endpoint, request: request, origin: origin)
            }
        } catch let error as GoogleError {
            return error.response
        } catch let error as GraphError {
            return graphErrorResponse(error)
        } catch let error as OAuthError {
            return .json(error.status, error.body, headers: [("Cache-Control", "no-store"), ("Pragma", "no-cache")])
        } catch let error as PlainError {
            return error.response
        } catch {
            return .json(500, ["error": .string("\(error)")])
        }
    }

    /// A Graph error with a fresh request id and the virtual date.
    func graphErrorResponse(_ error: GraphError) -> EmulatorResponse {
        error.response(requestID: random.uuid(), date: DateFormats.rfc3339Seconds(clock.now))
    }

    /// Picks the first fault rule matching the request, consuming one of its uses.
    private func takeFault(method: String, path: String, template: String) -> FaultRule? {
        for index in faults.indices where faults[index].matches(method: method, path: path, template: template) {
            if let count = faults[index].count, count <= 0 { continue }
            if let probability = faults[index].probability, random.unit() >= probability { continue }
            if let count = faults[index].count { faults[index].count = count - 1 }
            return faults[index]
        }
        return nil
    }

    /// The response an injected fault answers with.
    private func faultResponse(_ fault: FaultRule, status: Int, template: String) -> EmulatorResponse {
        var response: EmulatorResponse
        if let body = fault.body {
            response = .json(status, body)
        } else if template.hasPrefix("/graph") {
            response = graphErrorResponse(GraphError.fault(status: status))
        } else if template.hasPrefix("/microsoft-login") || template == "/google/token" {
            response = .json(status, ["error": "temporarily_unavailable", "error_description": "Injected fault."])
        } else {
            response = GoogleError.fault(status: status).response
        }
        if let retryAfter = fault.retryAfter {
            response.headers.append(("Retry-After", String(retryAfter)))
        }
        return response
    }

    private func notFound(template path: String) -> EmulatorResponse {
        if path.hasPrefix("/graph") {
            return graphErrorResponse(GraphError.resourceNotFound)
        }
        if path.hasPrefix("/google") {
            return GoogleError.notFound.response
        }
        return .json(404, ["error": "not_found", "error_description": .string("No route for \(path).")])
    }
}
