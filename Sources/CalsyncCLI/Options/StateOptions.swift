import ArgumentParser

/// How a writing command waits for the state lock.
struct LockOptions: ParsableArguments {
    @Option(
        name: .customLong("lock-timeout"),
        help: ArgumentHelp("Wait this long for the state lock (e.g. 30s, 5m); default: fail at once.", valueName: "duration"))
    var lockTimeout: String?

    func timeout() throws -> Duration? {
        guard let lockTimeout else { return nil }
        guard let parsed = SpecDurationArgument(lockTimeout) else {
            throw ValidationError("--lock-timeout \"\(lockTimeout)\" is not a duration. Write one such as 30s or 5m.")
        }
        return .seconds(parsed)
    }
}

/// `--tenant T`, or `CALSYNC_TENANT`.
struct TenantOptions: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("The active tenant (default: CALSYNC_TENANT).", valueName: "tenant"))
    var tenant: String?
}

/// The output format of plans.
enum PlanFormat: String, ExpressibleByArgument, CaseIterable {
    case text
    case json
    case markdown
}

/// The output format of read-only views.
enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json
    case yaml
}

/// The output format of lists that have no YAML form.
enum ListFormat: String, ExpressibleByArgument, CaseIterable {
    case table
    case json
}
