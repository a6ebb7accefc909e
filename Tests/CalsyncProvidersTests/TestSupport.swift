import CalsyncEmulator
import CalsyncModel
import CalsyncProviders
import CalsyncTesting
import Foundation
import Testing

/// A fixed instant.
struct FixedTimeSource: TimeSource {
    let now: Date
}

/// A clock whose sleeps return at once, move its time forward and are recorded.
final class RecordingClock: Clock, @unchecked Sendable {
    struct Instant: InstantProtocol {
        let offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let lock = NSLock()
    // Guarded by `lock`.
    private var current = Instant(offset: .zero)
    // Guarded by `lock`.
    private var slept: [Duration] = []

    var now: Instant { lock.withLock { current } }
    var minimumResolution: Duration { .nanoseconds(1) }
    /// Every sleep so far, in order.
    var sleeps: [Duration] { lock.withLock { slept } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        lock.withLock {
            slept.append(current.duration(to: deadline))
            if current < deadline { current = deadline }
        }
    }

    /// Moves time forward without sleeping (time spent sending).
    func advance(by duration: Duration) {
        lock.withLock { current = current.advanced(by: duration) }
    }
}

/// The world the provider tests start from.
enum World {
    static let googleEmail = "alice@example.com"
    static let microsoftEmail = "bob@example.com"
    static let googleApp = OAuthApp(
        clientId: "g-client", clientSecret: .env("G_SECRET"), redirectUri: "http://127.0.0.1:8400/callback")
    static let microsoftApp = OAuthApp(
        clientId: "m-client", clientSecret: .env("M_SECRET"), redirectUri: "http://localhost:8400/callback",
        directoryTenant: "organizations")
    static let googleSecret = Secret("g-secret")
    static let microsoftSecret = Secret("m-secret")
    static let start = EmulatorHarness.defaultStart

    static let fixture = EmulatorFixture(
        apps: [
            OAuthAppFixture(
                vendor: .google, clientId: "g-client", clientSecret: "g-secret",
                redirectUris: ["http://127.0.0.1/callback"]),
            OAuthAppFixture(
                vendor: .microsoft, clientId: "m-client", clientSecret: "m-secret",
                redirectUris: ["http://localhost/callback"]),
        ],
        accounts: [
            AccountFixture(vendor: .google, email: googleEmail, calendars: [CalendarFixture(name: "Alice")]),
            AccountFixture(vendor: .microsoft, email: microsoftEmail, calendars: [CalendarFixture(name: "Calendar")]),
        ])

    /// A started, seeded emulator.
    static func emulator() async throws -> EmulatorHarness {
        try await EmulatorHarness.start(fixture: fixture)
    }

    /// A real transport to the emulator.
    static func transport() -> URLSessionTransport {
        URLSessionTransport(defaultTimeout: .seconds(5))
    }

    /// A seeded random source.
    static func random(seed: UInt64 = 7) -> GeneratorRandomSource<CalsyncTesting.SeededRandom> {
        GeneratorRandomSource(CalsyncTesting.SeededRandom(seed: seed))
    }
}
