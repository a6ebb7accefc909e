import Foundation
import ServiceLifecycle

/// A service that runs `body` every `interval` (and at start, when asked) until graceful shutdown.
///
/// A run in progress is never interrupted: shutdown waits for it, then the loop ends. Only the wait
/// between runs ends early at shutdown, or at `nudge()`, which asks for a run now.
final class PeriodicJob: Service {
    let name: String
    private let interval: Duration
    private let runsAtStart: Bool
    private let body: @Sendable () async -> Void
    private let wakeup = Wakeup()
    private let opened = Wakeup()

    init(name: String, interval: Duration, runsAtStart: Bool, body: @escaping @Sendable () async -> Void) {
        self.name = name
        self.interval = interval
        self.runsAtStart = runsAtStart
        self.body = body
    }

    /// Lets the job begin; until then `run()` waits, so nothing runs for a server that never listened.
    func open() { opened.signal() }

    /// Asks for a run as soon as the current one (if any) ends.
    func nudge() { wakeup.signal() }

    func run() async {
        let (wakeup, opened) = (self.wakeup, self.opened)
        await withGracefulShutdownHandler {
            await opened.wait(until: nil)
            if !runsAtStart { await wakeup.wait(until: .now + interval) }
            while !Task.isCancelled && !Task.isShuttingDownGracefully {
                await body()
                guard !Task.isCancelled && !Task.isShuttingDownGracefully else { break }
                await wakeup.wait(until: .now + interval)
            }
        } onGracefulShutdown: {
            opened.signal()
            wakeup.signal()
        }
    }
}
