import CalsyncModel
import Crypto
import Foundation

/// Builds the calendar client of a vendor, and derives the idempotency keys its creates take.
public enum CalendarClients {
    /// The calendar client of one authorized account.
    /// - Parameters:
    ///   - vendor: The provider's vendor; `tokens` must be for the same vendor.
    ///   - googleAPIBaseURL: `https://www.googleapis.com` or the configured override (`endpoints.google`).
    ///   - graphBaseURL: `https://graph.microsoft.com` or the configured override (`endpoints.graph`).
    ///   - tokens: The account's access tokens.
    ///   - transport: Where requests go; a `RetryingTransport` in production.
    ///   - clock: Waits between Graph `$batch` retries.
    ///   - timeSource: The current instant, for `Retry-After` dates.
    ///   - graphGate: The 4 request slots a Graph client shares with the other clients of its mailbox;
    ///     slots of its own when nil.
    /// - Returns: A `GoogleCalendarClient` or a `GraphCalendarClient`.
    public static func make(
        vendor: Vendor, googleAPIBaseURL: URL, graphBaseURL: URL, tokens: AccessTokens, transport: any HTTPTransport,
        clock: any Clock<Duration>, timeSource: any TimeSource, graphGate: RequestGate? = nil
    ) -> any CalendarClient {
        switch vendor {
        case .google:
            return GoogleCalendarClient(apiBaseURL: googleAPIBaseURL, tokens: tokens, transport: transport)
        case .microsoft:
            return GraphCalendarClient(
                graphBaseURL: graphBaseURL, tokens: tokens, transport: transport, clock: clock, timeSource: timeSource,
                gate: graphGate)
        }
    }

    /// The idempotency key of a create: the same stamp and generation always give the same key.
    ///
    /// Google: `cs` and 32 base32hex characters of the SHA-256 of `stamp#generation`, a valid
    /// client-chosen event id. Graph: `stamp#generation` itself, the `transactionId` from which the
    /// stamp is read back on calendarView delta. A Google 409 for an id whose event was deleted is
    /// answered by moving to the next generation.
    public static func idempotencyKey(vendor: Vendor, stamp: OwnershipStamp, generation: Int) -> String {
        let text = "\(stamp)#\(generation)"
        switch vendor {
        case .microsoft:
            return text
        case .google:
            let digest = Array(SHA256.hash(data: Data(text.utf8)).prefix(20))
            return "cs" + base32hex(digest)
        }
    }

    /// Lower-case base32hex (RFC 4648 §7, `0`–`9` then `a`–`v`), without padding.
    static func base32hex(_ bytes: [UInt8]) -> String {
        let alphabet = Array("0123456789abcdefghijklmnopqrstuv")
        var output = ""
        var buffer = 0
        var bits = 0
        for byte in bytes {
            buffer = (buffer << 8) | Int(byte)
            bits += 8
            while bits >= 5 {
                output.append(alphabet[(buffer >> (bits - 5)) & 31])
                bits -= 5
            }
        }
        if bits > 0 { output.append(alphabet[(buffer << (5 - bits)) & 31]) }
        return output
    }

    /// Whether an error ends a run of creates: nothing more can succeed without a person, or the task was cancelled.
    static func stopsBatch(_ error: any Error) -> Bool {
        if error is CancellationError { return true }
        if let authorization = error as? AuthorizationError { return authorization.requiresAuthorization }
        return false
    }
}
