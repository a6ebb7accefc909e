import CalsyncModel
import Foundation

/// Sends vendor API requests with `Authorization: Bearer`, and once more with a refreshed token when
/// the vendor answers 401.
struct AuthorizedTransport: Sendable {
    let transport: any HTTPTransport
    let tokens: AccessTokens

    /// Sends `request` with the current bearer token; after a 401, refreshes and sends it once more.
    /// - Returns: The response, whatever its status (the second one after a 401).
    func send(_ request: HTTPRequest) async throws -> HTTPResponse {
        let token = try await tokens.accessToken()
        let response = try await transport.send(Self.authorized(request, with: token))
        guard response.status == 401 else { return response }
        let fresh = try await tokens.refreshed(rejecting: token)
        return try await transport.send(Self.authorized(request, with: fresh))
    }

    private static func authorized(_ request: HTTPRequest, with token: Secret) -> HTTPRequest {
        var authorized = request
        authorized.headers["Authorization"] = "Bearer \(token.exposedValue)"
        return authorized
    }
}
