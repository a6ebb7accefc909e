import Foundation

/// A command running in the background whose output a test reads while it runs (`authorize`, `serve`).
public final class BackgroundCommand: @unchecked Sendable {
    private let process: Process
    private let out: PipeCollector
    private let err: PipeCollector

    /// Starts `executable` with `arguments` in `directory`, with exactly `environment` (plus PATH).
    public init(_ executable: String, _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:])
        throws
    {
        process = Process.configured(executable, arguments, in: directory, environment: environment)
        let outPipe = Pipe(), errPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        out = PipeCollector(outPipe)
        err = PipeCollector(errPipe)
    }

    /// Starts the `calsync` binary under test.
    public static func calsync(_ arguments: [String], in directory: String, environment: [String: String]) throws -> BackgroundCommand {
        try BackgroundCommand(RepositoryPaths.calsyncBinary, arguments, in: directory, environment: environment)
    }

    public var stdout: String { out.text }
    public var stderr: String { err.text }
    public var isRunning: Bool { process.isRunning }
    public var processIdentifier: Int32 { process.processIdentifier }

    /// Waits until a whole line of standard output satisfies `predicate`; nil when the process ends
    /// first or `timeout` passes.
    public func line(timeout: Duration = .seconds(20), where predicate: (String) -> Bool) async -> String? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let lines = stdout.split(separator: "\n", omittingEmptySubsequences: true)
            let complete = stdout.hasSuffix("\n") ? lines : lines.dropLast()
            if let found = complete.first(where: { predicate(String($0)) }) { return String(found) }
            if !process.isRunning { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return nil
    }

    /// Sends `signal` to the process.
    public func send(_ signal: Int32) { kill(process.processIdentifier, signal) }

    /// Waits for the exit (polling, so no thread blocks) and returns what was printed.
    public func wait(timeout: Duration = .seconds(60)) async -> CommandResult? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline { return nil }
            try? await Task.sleep(for: .milliseconds(20))
        }
        let stdout = String(decoding: await out.finish(timeout: .seconds(5)), as: UTF8.self)
        let stderr = String(decoding: await err.finish(timeout: .seconds(5)), as: UTF8.self)
        return CommandResult(exitCode: process.terminationStatus, stdout: stdout, stderr: stderr)
    }

    /// Kills the process if it still runs.
    public func stop() {
        if process.isRunning { process.terminate() }
    }
}
