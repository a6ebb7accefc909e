/// Sends HTTP requests; the one seam under every vendor client.
///
/// A transport returns every response it receives, error statuses included, and throws only when no
/// response arrived (see `TransportError`). Tests point the clients at the emulator through a real
/// transport; nothing is mocked at this level.
public protocol HTTPTransport: Sendable {
    /// Sends `request` and returns the response, whatever its status.
    /// - Parameter request: The request.
    /// - Returns: The response.
    /// - Throws: `TransportError` when no response arrived; `CancellationError` when cancelled.
    func send(_ request: HTTPRequest) async throws -> HTTPResponse
}
