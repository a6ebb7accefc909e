import ArgumentParser
import CalsyncManifest
import CalsyncModel
import CalsyncProviders
import CalsyncState
import Foundation

/// `calsync doctor [PATHS]`: the runbook's troubleshooting checklist, one OK/WARN/FAIL line per check
/// with the fix for each.
///
/// Read-only: the state is opened read-only and never created, the lock is only looked at, and
/// secrets are resolved to learn whether they can be, never printed.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Walk the troubleshooting checklist: OK, WARN or FAIL with the fix for each.",
        discussion: """
            Checks the token keys, the state (migrated, sound, lock free, sealed records under keys at hand), \
            the OAuth apps' secrets, the webhook base URL, and what has waited too long: syncs, webhook renewals, \
            conflicts and notifications. Read-only. Exits 1 when any check fails, else 0.
            """
    )

    /// The output format of the checklist.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text
        case json
    }

    @Argument(help: ArgumentHelp("Manifest files or directories (default: manifests/).", valueName: "paths"))
    var paths: [String] = []

    @Option(name: [.customShort("o"), .long], help: "Output format.")
    var output: Format = .text

    @OptionGroup var configOptions: ConfigOptions

    func run() async throws {
        let runtime = try Runtime(config: configOptions)
        let configuration = runtime.configuration
        let now = runtime.now
        let thresholds = DoctorChecks.Thresholds(webhookRenewBefore: configuration.webhookRenewBefore)
        let keys = KeyFacts(environment: runtime.environment)
        let (opening, store) = Self.openState(configuration.statePath)
        let manifests = Self.manifestFacts(
            paths: paths.isEmpty ? ["manifests/"] : paths, environment: runtime.environment)
        var probe: HealthProbe?
        if let base = configuration.webhookBaseURL { probe = await Self.probeHealth(base) }

        var checks = [DoctorChecks.encryptionKey(keys), DoctorChecks.decryptionKeys(keys), DoctorChecks.state(opening)]
        if let store {
            checks.append(DoctorChecks.sealedRecords(Self.query { try Self.sealedRecords(store) }, keys: keys))
        }
        checks.append(DoctorChecks.lock(Self.lockFacts(configuration.statePath)))
        checks.append(DoctorChecks.oauthApps(manifests))
        checks += [DoctorChecks.apiTokens(manifests), DoctorChecks.notificationChannels(manifests)].compactMap { $0 }
        checks.append(DoctorChecks.webhookBaseURL(probe))
        if let store {
            checks += [
                DoctorChecks.lastSyncs(
                    Self.query { try store.staleSyncs(at: now, factor: thresholds.staleSyncFactor) },
                    thresholds: thresholds,
                    now: now),
                DoctorChecks.webhooks(
                    Self.query { try store.expiringWebhooks(at: now, within: thresholds.webhookRenewBefore) },
                    thresholds: thresholds, now: now),
                DoctorChecks.conflicts(
                    Self.query { try store.conflictBacklog(at: now, olderThan: thresholds.conflictAge) },
                    thresholds: thresholds,
                    now: now),
                DoctorChecks.notifications(
                    Self.query { try store.notificationBacklog(at: now, olderThan: thresholds.notificationAge) },
                    thresholds: thresholds, now: now),
            ]
        }
        checks.append(
            DoctorChecks.clock(
                offsetSetting: runtime.environment["CALSYNC_CLOCK_OFFSET"], offset: configuration.clockOffset))

        switch output {
        case .text: runtime.console.output(DoctorText.render(checks, color: runtime.console.isColorEnabled))
        case .json: runtime.console.output(DoctorJSON.render(checks))
        }
        if checks.contains(where: { $0.level == .fail }) { throw ExitCode(1) }
    }

    // MARK: - Gathering the facts

    /// Opens the state read-only; the store is nil unless it opened.
    static func openState(_ path: String) -> (StateOpening, SQLiteStateStore?) {
        guard FileManager.default.fileExists(atPath: path) else { return (.missing(path: path), nil) }
        do {
            let store = try SQLiteStateStore(path: path, mode: .readOnly)
            let integrity = try store.integrityCheck()
            let serial = try store.serial()
            return (.opened(path: path, integrity: integrity, serial: serial), store)
        } catch let error as StateError {
            return (.failed(path: path, error), nil)
        } catch {
            return (.failed(path: path, StateError(.io, "cannot read the state database \"\(path)\": \(error)")), nil)
        }
    }

    static func sealedRecords(_ store: SQLiteStateStore) throws -> [SealedRecord] {
        let credentials = try store.sealedCredentials().map {
            SealedRecord(ref: $0.ref, kind: .credential, keyID: $0.sealed.keyID)
        }
        let secrets = try store.allWebhooks().map {
            SealedRecord(ref: $0.ref, kind: .webhookSecret($0.id), keyID: $0.secret.keyID)
        }
        return credentials + secrets
    }

    static func lockFacts(_ statePath: String) -> LockFacts {
        let path = StateLock.path(forDatabase: statePath)
        let isHeld = StateLock.isHeld(databasePath: statePath)
        return LockFacts(path: path, isHeld: isHeld, holder: isHeld ? StateLock.readHolder(path: path) : nil)
    }

    static func manifestFacts(paths: [String], environment: [String: String]) -> ManifestFacts {
        let set = ManifestLoader.load(paths: paths)
        guard let desired = set.desired, !set.hasErrors else {
            return .unloadable(paths: paths, errorCount: set.diagnostics.filter { $0.severity == .error }.count)
        }
        return .probing(desired, environment: environment)
    }

    /// `GET {base}/healthz`: any HTTP answer within the timeout means the URL is reachable.
    static func probeHealth(_ base: String) async -> HealthProbe {
        guard let url = URL(string: HealthProbe.url(base)) else {
            return .noAnswer(base: base, reason: "not a URL")
        }
        let timeout = Duration.seconds(DoctorChecks.probeTimeout.seconds)
        let transport = URLSessionTransport(defaultTimeout: timeout)
        return await withTaskGroup(of: HealthProbe.self) { group in
            group.addTask {
                do {
                    let response = try await transport.send(HTTPRequest(method: "GET", url: url, timeout: timeout))
                    return .answered(base: base, status: response.status)
                } catch let error as TransportError {
                    return .noAnswer(base: base, reason: error.description)
                } catch {
                    return .noAnswer(base: base, reason: String(describing: type(of: error)))
                }
            }
            // URLSession's timeout is an idle timeout; this bounds the whole exchange.
            group.addTask {
                try? await Task.sleep(for: timeout + .seconds(1))
                return .noAnswer(base: base, reason: "timed out")
            }
            let first = await group.next() ?? .noAnswer(base: base, reason: "timed out")
            group.cancelAll()
            return first
        }
    }

    /// Runs one state query, keeping its `StateError` for the check to report.
    static func query<T>(_ body: () throws -> T) -> Result<T, StateError> {
        do {
            return .success(try body())
        } catch let error as StateError {
            return .failure(error)
        } catch {
            return .failure(StateError(.io, "cannot read the state database: \(error)"))
        }
    }
}
