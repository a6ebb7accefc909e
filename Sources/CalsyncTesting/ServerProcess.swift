import Foundation

/// A `calsync serve` child process for end-to-end tests: started in a workspace, found by the
/// `listening on HOST:PORT` line it prints, driven over real HTTP, and stopped with a signal.
public final class ServerProcess: Sendable {
    /// `http://HOST:PORT`.
    public let baseURL: String
    /// The child's process id.
    public let processIdentifier: Int32
    private let process: ProcessBox
    private let output: PipeCollector
    private let errors: PipeCollector
    private let client = HTTPClient()

    private init(baseURL: String, processIdentifier: Int32, process: ProcessBox, output: PipeCollector, errors: PipeCollector) {
        self.baseURL = baseURL
        self.processIdentifier = processIdentifier
        self.process = process
        self.output = output
        self.errors = errors
    }

    /// What a serve that could not start printed, and its exit code.
    public struct StartFailure: Error, CustomStringConvertible {
        public let exitCode: Int32
        public let stdout: String
        public let stderr: String
        public var description: String { "calsync serve exited \(exitCode) before listening: \(stderr)" }
    }

    /// Runs `calsync serve ARGUMENTS` in `directory` with exactly `environment` (plus PATH and NO_COLOR),
    /// and returns once it listens.
    ///
    /// - Throws: `StartFailure` when it exits first, or `HarnessError` when it says nothing for `timeout`.
    public static func launch(
        _ arguments: [String], in directory: String, environment: [String: String], executable: String = RepositoryPaths.calsyncBinary,
        timeout: Duration = .seconds(60)
    ) async throws -> ServerProcess {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["serve"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var env = environment
        env["PATH"] = env["PATH"] ?? ProcessInfo.processInfo.environment["PATH"]
        env["NO_COLOR"] = "1"
        process.environment = env
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let output = PipeCollector(out), errors = PipeCollector(err)
        let box = ProcessBox(process)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let line = output.text.split(separator: "\n").first(where: { $0.hasPrefix("listening on ") }) {
                return ServerProcess(
                    baseURL: "http://" + line.dropFirst("listening on ".count), processIdentifier: process.processIdentifier,
                    process: box, output: output, errors: errors)
            }
            if !process.isRunning {
                process.waitUntilExit()
                try await Task.sleep(for: .milliseconds(100))
                throw StartFailure(exitCode: process.terminationStatus, stdout: output.text, stderr: errors.text)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        await box.signal(SIGKILL)
        throw HarnessError(description: "calsync serve did not print `listening on` within \(timeout): \(errors.text)")
    }

    /// Everything printed on standard output so far.
    public var stdout: String { output.text }
    /// Everything printed on standard error so far.
    public var stderr: String { errors.text }

    /// Sends a request (redirects are not followed).
    public func send(_ method: String, _ path: String, headers: [String: String] = [:], body: Data? = nil) async throws -> HTTPResult {
        try await client.send(method, baseURL + path, headers: headers, body: body)
    }

    /// Sends `signal` and waits up to `timeout` for the exit.
    ///
    /// - Returns: The exit code (128 + signal when killed by one), or nil when it did not exit in time
    ///   (it is then killed).
    public func stop(signal: Int32 = SIGTERM, timeout: Duration = .seconds(30)) async -> Int32? {
        await process.signal(signal)
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let code = await process.exitCode() {
                client.shutdown()
                return code
            }
            try? await Task.sleep(for: .milliseconds(20))
        }
        await process.signal(SIGKILL)
        client.shutdown()
        return nil
    }
}

/// Owns the child process, so it is signalled and reaped from one place.
private actor ProcessBox {
    private let process: Process

    init(_ process: Process) { self.process = process }

    func signal(_ signal: Int32) {
        guard process.isRunning else { return }
        kill(process.processIdentifier, signal)
    }

    /// The exit code once it exited: its status, or 128 + the signal that ended it.
    func exitCode() -> Int32? {
        guard !process.isRunning else { return nil }
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
    }
}

