import Foundation

/// What a finished process printed and how it exited.
public struct CommandResult: Sendable {
    public var exitCode: Int32
    public var stdout: String
    public var stderr: String
}

/// Runs a real executable, as a user would from a shell.
public enum CommandRunner {
    /// Runs `executable` with `arguments` in `directory`, with exactly `environment` (plus PATH) as its environment.
    public static func run(
        _ executable: String, _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:],
        stdin: String? = nil
    ) throws -> CommandResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        var env = environment
        env["PATH"] = env["PATH"] ?? ProcessInfo.processInfo.environment["PATH"]
        env["NO_COLOR"] = env["NO_COLOR"] ?? "1"
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let group = DispatchGroup()
        let collected = Collected()
        group.enter()
        DispatchQueue.global().async {
            collected.stdout = out.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        collected.stderr = err.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return CommandResult(
            exitCode: process.terminationStatus, stdout: String(decoding: collected.stdout, as: UTF8.self),
            stderr: String(decoding: collected.stderr, as: UTF8.self))
    }

    /// Runs the `calsync` binary under test.
    public static func calsync(
        _ arguments: [String], in directory: String? = nil, environment: [String: String] = [:]
    ) throws -> CommandResult {
        try run(RepositoryPaths.calsyncBinary, arguments, in: directory, environment: environment)
    }
}

private final class Collected: @unchecked Sendable {
    var stdout = Data()
    var stderr = Data()
}
