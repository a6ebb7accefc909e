import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The request context: Hummingbird's core storage; bodies are read by the responder against the
/// server's own limit.
public struct ServerRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
    }
}

/// Adapts Hummingbird requests to ``ServerHandlers``: matches the route, enforces the body limit,
/// counts the answer, and never lets an error's text reach the client.
struct ServerResponder: HTTPResponder {
    let handlers: ServerHandlers

    func respond(to request: Request, context: ServerRequestContext) async throws -> Response {
        let match = ServerRoute.match(method: request.method.rawValue, path: request.uri.path)
        let template: String
        let response: ServerResponse
        switch match {
        case .notFound:
            template = "unmatched"
            response = APIError.notFound("no endpoint here. The routes are listed in docs/serve.md.").response
        case .methodNotAllowed(let allowed):
            template = "unmatched"
            var error = APIError(
                status: 405, code: "MethodNotAllowed", message: "this endpoint takes \(allowed.joined(separator: ", ")).")
            error.headers = [("Allow", allowed.joined(separator: ", "))]
            response = error.response
        case .route(let route):
            template = route.template
            response = await respond(to: request, route: route)
        }
        handlers.metrics.request(route: template, status: response.status)
        var fields = HTTPFields()
        for (name, value) in response.headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        return Response(
            status: HTTPResponse.Status(code: response.status), headers: fields,
            body: ResponseBody(byteBuffer: ByteBuffer(bytes: response.body)))
    }

    private func respond(to request: Request, route: ServerRoute) async -> ServerResponse {
        let limit = handlers.configuration.maxBodyBytes
        var tooLarge = APIError.payloadTooLarge.response
        tooLarge.headers.append(("Connection", "close"))
        if let length = request.headers[.contentLength].flatMap({ Int($0) }), length > limit { return tooLarge }
        let body: Data
        do {
            body = Data(try await request.body.collect(upTo: limit).readableBytesView)
        } catch is NIOTooManyBytesError {
            return tooLarge
        } catch {
            return APIError.badRequest("the request body could not be read.").response
        }
        var headers: [String: String] = [:]
        for field in request.headers {
            let name = field.name.canonicalName
            headers[name] = headers[name].map { "\($0), \(field.value)" } ?? field.value
        }
        let serverRequest = ServerRequest(
            method: request.method.rawValue, path: request.uri.path, query: ServerRequest.parseQuery(request.uri.query),
            headers: headers, body: body)
        return await handlers.respond(to: serverRequest, route: route)
    }
}
