import Foundation

extension Emulator {
    /// JSON batching: at most 20 sub-requests, run in order through the same handlers
    /// (and the same fault rules), `dependsOn` honoured with 424 for failed dependencies.
    func graphBatch(_ request: EmulatorRequest, origin: String) async throws -> EmulatorResponse {
        guard let requests = request.jsonBody?["requests"]?.arrayValue else {
            throw GraphError(status: 400, code: "BadRequest", message: "Invalid batch payload format.")
        }
        guard requests.count <= 20 else {
            throw GraphError(status: 400, code: "BadRequest", message: "The number of requests in a batch exceeds the limit of 20.")
        }
        var statuses: [String: Int] = [:]
        var responses: [JSONValue] = []
        for item in requests {
            guard let id = item["id"]?.stringValue, let method = item["method"]?.stringValue,
                let url = item["url"]?.stringValue
            else { throw GraphError(status: 400, code: "BadRequest", message: "Each batch request needs id, method and url.") }
            let dependencies = item["dependsOn"]?.arrayValue?.compactMap(\.stringValue) ?? []
            if dependencies.contains(where: { !(200..<300).contains(statuses[$0] ?? 424) }) {
                statuses[id] = 424
                let error = graphErrorResponse(GraphError(status: 424, code: "FailedDependency", message: "The dependent request failed."))
                responses.append(["id": .string(id), "status": 424, "body": error.jsonBody ?? .null])
                continue
            }
            var headers = item["headers"]?.objectValue?.compactMapValues(\.stringValue) ?? [:]
            if let authorization = request.header("authorization") { headers["authorization"] = authorization }
            var body = Data()
            if let json = item["body"] {
                body = json.serialized()
                headers["content-type"] = headers["content-type"] ?? "application/json"
            }
            let relative = url.hasPrefix("/") ? url : "/" + url
            let inner = EmulatorRequest(method: method, target: "/graph/v1.0" + relative, headers: headers, body: body)
            let outcome = await respond(to: inner, origin: origin, isBatched: true)
            let response: EmulatorResponse
            switch outcome {
            case .respond(let answered): response = answered
            case .dropConnection:
                response = graphErrorResponse(GraphError(status: 504, code: "GatewayTimeout", message: "The request timed out."))
            }
            statuses[id] = response.status
            var entry: [String: JSONValue] = [
                "id": .string(id), "status": .int(response.status),
                "headers": .object(Dictionary(response.headers.map { ($0.name, JSONValue.string($0.value)) }, uniquingKeysWith: { _, last in last })),
            ]
            if let json = response.jsonBody { entry["body"] = json }
            responses.append(.object(entry))
        }
        return .json(200, ["responses": .array(responses)])
    }
}
