import CalsyncModel
import CalsyncProviders
import CalsyncState
import Foundation

extension Notifier {
    /// Sends every due event to every matching channel, batch by batch, until the outbox is read or
    /// the pass deadline passes, and settles the events that are done.
    /// - Throws: `StateError` when the outbox or the channels cannot be read.
    func deliver(into report: inout NotificationReport) async throws {
        let isPastDeadline = clock.expiry(after: configuration.passDeadline)
        var channels: [ChannelSpec]?
        var after: OutboxID?
        while !isPastDeadline() {
            let entries = try store.undeliveredEvents(after: after, limit: configuration.batchSize)
            guard let last = entries.last else { return }
            after = last.id
            let recorded = try channels ?? store.snapshot().channels
            channels = recorded
            let jobs = recorded.compactMap { channel -> ChannelJob? in
                let due = entries.filter { channel.matches($0.event) && $0.delivery(to: channel.name).isDue(at: now) }
                return due.isEmpty ? nil : ChannelJob(channel: channel, entries: due)
            }
            let tally = await deliver(jobs, isPastDeadline: isPastDeadline)
            report.delivered += tally.delivered
            report.failures += tally.failures
            report.errors += tally.errors
            let deliveredNow = Set(tally.delivered)
            let settled = entries.filter { entry in
                entry.isJournaled
                    && recorded.allSatisfy { channel in
                        !channel.matches(entry.event) || entry.delivery(to: channel.name).isDelivered
                            || deliveredNow.contains(DeliveryKey(event: entry.id, channel: channel.name))
                    }
            }
            try store.markSettled(settled.map(\.id), at: now)
            if entries.count < configuration.batchSize { return }
        }
    }

    /// Serves `jobs`, at most `maxConcurrentChannels` channels at once.
    private func deliver(_ jobs: [ChannelJob], isPastDeadline: @escaping @Sendable () -> Bool) async -> ChannelTally {
        await withTaskGroup(of: ChannelTally.self) { group in
            var waiting = jobs[...]
            for _ in 0..<configuration.maxConcurrentChannels {
                guard let job = waiting.popFirst() else { break }
                group.addTask { await self.deliver(job, isPastDeadline: isPastDeadline) }
            }
            var total = ChannelTally()
            for await tally in group {
                total.merge(tally)
                if let job = waiting.popFirst() {
                    group.addTask { await self.deliver(job, isPastDeadline: isPastDeadline) }
                }
            }
            return total
        }
    }

    /// Sends one channel its due events, oldest first.
    ///
    /// The first failed send ends the channel's turn: the events after it stay due for the next pass.
    /// An unresolvable URL or secret is recorded as the error of every due event, and nothing is sent.
    private func deliver(_ job: ChannelJob, isPastDeadline: @Sendable () -> Bool) async -> ChannelTally {
        var tally = ChannelTally()
        let target = target(for: job.channel)
        let claimUntil = now.addingTimeInterval(Self.seconds(configuration.passDeadline + configuration.callDeadline))
        events: for entry in job.entries {
            guard !isPastDeadline() else { break }
            let key = DeliveryKey(event: entry.id, channel: job.channel.name)
            do {
                guard try store.claimDelivery(key, now: now, until: claimUntil) else { continue }
                let failure: String?
                switch target {
                case .success(let target): failure = await send(request(for: entry, to: job.channel, target: target))
                case .failure(let problem): failure = problem.message
                }
                guard let failure else {
                    try store.recordDelivered(key, at: now)
                    tally.delivered.append(key)
                    continue
                }
                let delivery = try store.recordFailedAttempt(
                    key, error: failure, at: now, backoff: configuration.backoff, jitter: random.nextUnitInterval())
                tally.failures.append(
                    DeliveryFailure(key: key, message: failure, nextAttemptAt: delivery.nextAttemptAt ?? now))
                if case .success = target { break events }
            } catch {
                tally.errors.append("\(error)")
                break events
            }
        }
        return tally
    }

    /// The POST for `entry`: the Slack text, or the event object signed with the channel's secret.
    func request(for entry: OutboxEntry, to channel: ChannelSpec, target: ChannelTarget) -> HTTPRequest {
        var headers = ["Content-Type": "application/json", "User-Agent": "calsync"]
        let body: Data
        switch channel.type {
        case .slack:
            body = Data(SlackMessage.body(entry).utf8)
        case .webhook:
            body = Data(EventLine.render(entry).utf8)
            if let secret = target.secret {
                headers[NotificationSignature.header] = NotificationSignature.value(body: body, secret: secret)
            }
        }
        return HTTPRequest(
            method: "POST", url: target.url, headers: headers, body: body, timeout: configuration.callDeadline)
    }

    /// Sends `request` within the call deadline.
    /// - Returns: nil for a 2xx; otherwise why not (`HTTP 500`, no answer), without the URL.
    private func send(_ request: HTTPRequest) async -> String? {
        let transport = transport
        let clock = clock
        let deadline = configuration.callDeadline
        return await withTaskGroup(of: SendOutcome.self) { group in
            group.addTask {
                do {
                    let response = try await transport.send(request)
                    return response.isSuccess ? .delivered : .failed("HTTP \(response.status)")
                } catch let error as TransportError {
                    return .failed("no answer: \(error)")
                } catch {
                    return .failed("no answer: \(type(of: error))")
                }
            }
            group.addTask {
                do { try await clock.sleep(for: deadline) } catch { return .cancelled }
                return .failed("no answer within \(Self.describe(deadline))")
            }
            var result: String? = "no answer"
            for await outcome in group {
                switch outcome {
                case .delivered: result = nil
                case .failed(let message): result = message
                case .cancelled: continue
                }
                break
            }
            group.cancelAll()
            return result
        }
    }

    /// The channel's URL and signing secret, read from their references.
    func target(for channel: ChannelSpec) -> Result<ChannelTarget, ChannelProblem> {
        let url: Secret
        do {
            url = try channel.url.resolve(
                environment: environment, purpose: "the URL of notification channel \"\(channel.name)\"")
        } catch {
            return .failure(ChannelProblem(message: error.message))
        }
        guard let parsed = URL(string: url.exposedValue), let scheme = parsed.scheme?.lowercased(),
            scheme == "http" || scheme == "https", parsed.host?.isEmpty == false
        else {
            return .failure(
                ChannelProblem(
                    message:
                        "the URL of notification channel \"\(channel.name)\" (read from \(channel.url)) is not an absolute http:// or https:// URL. Correct the value it reads."
                ))
        }
        guard channel.type == .webhook, let reference = channel.secret else {
            return .success(ChannelTarget(url: parsed, secret: nil))
        }
        do {
            let secret = try reference.resolve(
                environment: environment, purpose: "the signing secret of notification channel \"\(channel.name)\"")
            return .success(ChannelTarget(url: parsed, secret: secret))
        } catch {
            return .failure(ChannelProblem(message: error.message))
        }
    }

    static func seconds(_ duration: Duration) -> TimeInterval {
        let (seconds, attoseconds) = duration.components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }

    /// `10s`, or `250ms` below a second.
    static func describe(_ duration: Duration) -> String {
        let milliseconds = Int64(seconds(duration) * 1000)
        return milliseconds % 1000 == 0 ? "\(milliseconds / 1000)s" : "\(milliseconds)ms"
    }
}

/// One channel and the events due to it, oldest first.
struct ChannelJob: Sendable {
    let channel: ChannelSpec
    let entries: [OutboxEntry]
}

/// Where a channel's POSTs go; both parts are secrets and print as `<redacted>`.
struct ChannelTarget: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    let url: URL
    let secret: Secret?

    var description: String { "<redacted>" }
    var debugDescription: String { "<redacted>" }
}

/// Why nothing could be sent to a channel: an unresolvable or malformed reference.
///
/// Never holds a secret.
struct ChannelProblem: Error, Sendable {
    let message: String
}

/// What one send came to.
enum SendOutcome: Sendable {
    case delivered
    case failed(String)
    /// The deadline timer, cancelled because the send finished first.
    case cancelled
}

/// What one channel's turn came to.
struct ChannelTally: Sendable {
    var delivered: [DeliveryKey] = []
    var failures: [DeliveryFailure] = []
    var errors: [String] = []

    mutating func merge(_ other: ChannelTally) {
        delivered += other.delivered
        failures += other.failures
        errors += other.errors
    }
}

extension Clock where Duration == Swift.Duration {
    /// A check that turns true once `duration` has passed on this clock.
    fileprivate func expiry(after duration: Duration) -> @Sendable () -> Bool {
        let end = now.advanced(by: duration)
        return { self.now >= end }
    }
}
