import Foundation

/// What a finished process printed and how it exited.
public struct CommandResult: Sendable {
    public var exitCode: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs a real executable, as a user would from a shell.
///
/// The wait is asynchronous: a test waiting for a child never holds a thread of the shared
/// cooperative pool, so servers running in the test process (the emulator, receivers) keep answering.
public enum CommandRunner {
    /// Runs `executable` with `arguments` in `directory`, with exactly `environment` (plus PATH) as its environment.
    public static func run(
        _ executable: String, _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
        stdin: String? = nil
    ) async throws -> CommandResult {
        let process = Process.configured(executable, arguments, in: directory, environment: environment)
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        let collected = Collected()
        out.fileHandleForReading.readabilityHandler = { handle in collected.append(handle.availableData, error: false) }
        err.fileHandleForReading.readabilityHandler = { handle in collected.append(handle.availableData, error: true) }
        let exited = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { process in
            exited.continuation.yield(process.terminationStatus)
            exited.continuation.finish()
        }
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        var status: Int32 = -1
        for await code in exited.stream { status = code }
        out.fileHandleForReading.readabilityHandler = nil
        err.fileHandleForReading.readabilityHandler = nil
        collected.append(out.fileHandleForReading.readDataToEndOfFile(), error: false)
        collected.append(err.fileHandleForReading.readDataToEndOfFile(), error: true)
        let (stdout, stderr) = collected.texts
        return CommandResult(exitCode: status, stdout: stdout, stderr: stderr)
    }

    /// Runs the `calsync` binary under test.
    public static func calsync(
        _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]
    ) async throws -> CommandResult {
        try await run(RepositoryPaths.calsyncBinary, arguments, in: directory, environment: environment)
    }
}

private final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var stdout = Data()
    private var stderr = Data()

    func append(_ data: Data, error: Bool) {
        guard !data.isEmpty else { return }
        lock.withLock {
            if error { stderr.append(data) } else { stdout.append(data) }
        }
    }

    var texts: (String, String) {
        lock.withLock { (String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self)) }
    }
}

extension Process {
    /// A process for `executable` in `directory` with exactly `environment` (plus PATH, and NO_COLOR).
    static func configured(_ executable: String, _ arguments: [String], in directory: String?, environment: [String: String])
        -> Process
    {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = environment
        env["PATH"] = env["PATH"] ?? ProcessInfo.processInfo.environment["PATH"]
        env["NO_COLOR"] = env["NO_COLOR"] ?? "1"
        process.environment = env
        return process
    }
}
