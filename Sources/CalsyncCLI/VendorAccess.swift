import CalsyncManifest
import CalsyncModel
import CalsyncProviders
import CalsyncSecrets
import CalsyncState
import Foundation

/// calsync's clock as the vendor clients see it: the system clock shifted by `CALSYNC_CLOCK_OFFSET`.
struct OffsetTimeSource: TimeSource {
    let offset: TimeInterval
    var now: Date { Date().addingTimeInterval(offset) }
}

/// Why a vendor client cannot be built for a provider; the message says what to fix.
struct VendorAccessError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Everything a command needs to talk to the vendors: endpoints, one retrying transport, the clock
/// and random source, and the tenant's OAuth apps with their secrets resolved on demand.
struct VendorAccess: Sendable {
    let endpoints: Configuration.Endpoints
    let environment: [String: String]
    let transport: any HTTPTransport
    let timeSource: any TimeSource
    let random: any RandomSource

    init(configuration: Configuration, environment: [String: String], deadline: Duration = .seconds(60)) {
        endpoints = configuration.endpoints
        self.environment = environment
        let timeSource = OffsetTimeSource(offset: TimeInterval(configuration.clockOffset.seconds))
        let random = GeneratorRandomSource(SystemRandomNumberGenerator())
        self.timeSource = timeSource
        self.random = random
        transport = RetryingTransport(
            URLSessionTransport(),
            policy: RetryPolicy(deadline: deadline, clock: ContinuousClock(), random: random, timeSource: timeSource))
    }

    /// The OAuth client of `tenant`'s app at `vendor`, its client secret resolved.
    func oauthClient(tenant: TenantSpec, vendor: Vendor) throws -> OAuthClient {
        let app: OAuthApp?
        switch vendor {
        case .google: app = tenant.oauthApps.google
        case .microsoft: app = tenant.oauthApps.microsoft
        }
        guard let app else {
            throw VendorAccessError(
                message: "tenant \"\(tenant.name)\" declares no \(vendor.rawValue) OAuth app. Add spec.oauthApps.\(vendor.rawValue) to its manifest and apply it.")
        }
        let secret: Secret?
        do {
            secret = try app.clientSecret?.resolve(
                environment: environment, purpose: "the \(vendor.rawValue) client secret of tenant \(tenant.name)")
        } catch {
            throw VendorAccessError(message: error.message)
        }
        switch vendor {
        case .google:
            return OAuthClient.google(
                app: app, clientSecret: secret, authorizationBaseURL: try url(endpoints.googleAuthorize),
                tokenBaseURL: try url(endpoints.googleToken), transport: transport, timeSource: timeSource)
        case .microsoft:
            return OAuthClient.microsoft(
                app: app, clientSecret: secret, loginBaseURL: try url(endpoints.microsoftLogin), transport: transport,
                timeSource: timeSource)
        }
    }

    /// A random URL-safe token of `bytes` random bytes (OAuth `state`, channel tokens, `clientState`).
    func randomToken(bytes: Int = 24) -> String {
        Data(random.bytes(count: bytes)).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private func url(_ text: String) throws -> URL {
        guard let url = URL(string: text) else {
            throw VendorAccessError(message: "the endpoint \"\(text)\" is not a URL. Fix the endpoints setting.")
        }
        return url
    }
}
