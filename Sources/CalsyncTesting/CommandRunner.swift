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
        try await ProcessSlots.shared.run {
            try await launch(executable, arguments, in: directory, environment: environment, stdin: stdin)
        }
    }

    private static func launch(
        _ executable: String, _ arguments: [String], in directory: String?, environment: [String: String], stdin: String?
    ) async throws -> CommandResult {
        let process = Process.configured(executable, arguments, in: directory, environment: environment)
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        let exited = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { process in
            exited.continuation.yield(process.terminationStatus)
            exited.continuation.finish()
        }
        try process.run()
        let stdoutCollector = PipeCollector(out), stderrCollector = PipeCollector(err)
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        var status: Int32 = -1
        for await code in exited.stream { status = code }
        let stdout = String(decoding: await stdoutCollector.finish(), as: UTF8.self)
        let stderr = String(decoding: await stderrCollector.finish(), as: UTF8.self)
        return CommandResult(exitCode: status, stdout: stdout, stderr: stderr)
    }

    /// Runs the `calsync` binary under test.
    public static func calsync(
        _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]
    ) async throws -> CommandResult {
        try await run(RepositoryPaths.calsyncBinary, arguments, in: directory, environment: environment)
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
