import Foundation
import Hummingbird
import Logging
import NIOCore
import ServiceLifecycle

/// The query of the one OAuth redirect `calsync authorize` waits for on its loopback redirect URI.
struct OAuthRedirect: Sendable, Hashable {
    var code: String?
    var state: String?
    /// The vendor's refusal (`access_denied`), with its description.
    var error: String?
    var errorDescription: String?

    init(query: [String: String]) {
        code = query["code"]
        state = query["state"]
        error = query["error"]
        errorDescription = query["error_description"]
    }

    /// Reads a pasted redirect URL (`--code-from-url`); nil when it is not a URL with a query.
    init?(pasted text: String) {
        guard let components = URLComponents(string: text.trimmingCharacters(in: .whitespacesAndNewlines)),
            let items = components.queryItems, !items.isEmpty
        else { return nil }
        var query: [String: String] = [:]
        for item in items { query[item.name] = item.value ?? "" }
        self.init(query: query)
    }
}

/// Listens on a loopback redirect URI until one redirect with the expected `state` arrives.
///
/// Redirects carrying another `state` get a 400 page and do not end the wait. The server runs only
/// while `waitForRedirect` does.
struct LoopbackReceiver {
    let host: String
    let port: Int
    let path: String

    /// Parses a loopback redirect URI (`http://127.0.0.1:8765/oauth/callback`); nil for any other URI.
    init?(redirectURI: String) {
        guard let url = URL(string: redirectURI), url.scheme == "http", let host = url.host,
            ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host)
        else { return nil }
        self.host = host == "localhost" ? "127.0.0.1" : host
        port = url.port ?? 80
        path = url.path.isEmpty ? "/" : url.path
    }

    /// Waits for the redirect whose `state` is `expectedState`.
    /// - Parameters:
    ///   - expectedState: The OAuth `state` of this authorization.
    ///   - timeout: How long to wait.
    ///   - onListening: Called once the port is bound.
    /// - Returns: The redirect, or nil after `timeout`.
    /// - Throws: `LoopbackError` when the port cannot be bound.
    func waitForRedirect(
        expectedState: String, timeout: Duration, onListening: @escaping @Sendable () -> Void
    ) async throws -> OAuthRedirect? {
        let (redirects, continuation) = AsyncStream.makeStream(of: OAuthRedirect.self)
        let (bound, boundContinuation) = AsyncStream.makeStream(of: Bool.self)
        let router = Router()
        router.get(RouterPath(path)) { request, _ -> Response in
            var query: [String: String] = [:]
            for (name, value) in request.uri.queryParameters { query[String(name)] = String(value) }
            let redirect = OAuthRedirect(query: query)
            guard redirect.state == expectedState else {
                return Self.page(status: .badRequest, "This sign-in link does not belong to the running `calsync authorize`. Start it again.")
            }
            continuation.yield(redirect)
            if redirect.error != nil {
                return Self.page(status: .ok, "Authorization was refused. You can close this window.")
            }
            return Self.page(status: .ok, "calsync received the authorization. You can close this window.")
        }
        var logger = Logger(label: "calsync-authorize")
        logger.logLevel = .critical
        let app = Application(
            router: router, configuration: .init(address: .hostname(host, port: port), serverName: "calsync"),
            onServerRunning: { _ in
                boundContinuation.yield(true)
                boundContinuation.finish()
            },
            logger: logger)
        let serviceGroup = ServiceGroup(configuration: .init(services: [app], logger: logger))
        let server = Task {
            defer { boundContinuation.finish() }
            try await serviceGroup.run()
        }
        var isBound = false
        for await value in bound {
            isBound = value
            break
        }
        guard isBound else {
            _ = await server.result
            throw LoopbackError(message: "cannot listen on \(host):\(port) for the OAuth redirect (is the port in use?). Free it, or finish with `--code-from-url`.")
        }
        onListening()
        let result = await withTaskGroup(of: OAuthRedirect?.self) { group in
            group.addTask {
                for await redirect in redirects { return redirect }
                return nil
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return nil
            }
            let first = await group.next() ?? nil
            continuation.finish()
            group.cancelAll()
            return first
        }
        // Let the browser's page load before the listener goes away.
        try? await Task.sleep(for: .milliseconds(200))
        await serviceGroup.triggerGracefulShutdown()
        _ = await server.result
        return result
    }

    private static func page(status: HTTPResponse.Status, _ text: String) -> Response {
        let html = "<!doctype html><html><head><meta charset=\"utf-8\"><title>calsync</title></head><body><p>\(text)</p></body></html>"
        return Response(
            status: status, headers: [.contentType: "text/html; charset=utf-8"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: html)))
    }
}

/// The loopback listener could not start.
struct LoopbackError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}
