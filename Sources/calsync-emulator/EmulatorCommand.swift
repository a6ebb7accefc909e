import ArgumentParser
import CalsyncEmulator
import Foundation

/// `calsync-emulator`: serves the emulator until interrupted.
@main
struct EmulatorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calsync-emulator",
        abstract: "A local, in-memory Google Calendar v3 + Microsoft Graph calendar emulator with a control API.")

    @Option(help: "Port to listen on; 0 picks a free port.")
    var port: Int = 0

    @Option(help: "Address to listen on.")
    var host: String = "127.0.0.1"

    @Option(help: "JSON fixture (the body of POST /_control/seed) to load at start.")
    var fixture: String?

    @Option(help: "Seed for generated ids, tokens and fault probabilities; random when omitted.")
    var seed: UInt64?

    @Option(help: "Virtual clock start (RFC 3339); the real time when omitted.")
    var startTime: String?

    @Flag(help: "Exit when standard input closes, so the emulator ends with the process that started it.")
    var exitWithStdin = false

    func run() async throws {
        let start: Date
        if let startTime {
            guard let parsed = ISO8601DateFormatter().date(from: startTime) else {
                throw ValidationError("--start-time must be RFC 3339, e.g. 2026-01-05T09:00:00Z.")
            }
            start = parsed
        } else {
            start = Date()
        }
        let emulator = Emulator(start: start, seed: seed ?? UInt64.random(in: 0...UInt64.max))
        if let fixture {
            let data = try Data(contentsOf: URL(fileURLWithPath: fixture))
            try await emulator.seed(JSONDecoder().decode(EmulatorFixture.self, from: data))
        }
        let server = try await EmulatorServer.start(
            emulator: emulator, host: host, port: port, shutdownSignals: [.sigint, .sigterm])
        let banner = """
            calsync-emulator listening on \(server.host):\(server.port)
            export CALSYNC_GOOGLE_BASE_URL=\(server.googleBaseURL)
            export CALSYNC_GRAPH_BASE_URL=\(server.graphBaseURL)
            export CALSYNC_MICROSOFT_LOGIN_BASE_URL=\(server.microsoftLoginBaseURL)

            """
        FileHandle.standardOutput.write(Data(banner.utf8))
        if exitWithStdin { Self.exitWhenStandardInputCloses() }
        try await server.wait()
    }

    /// Reads standard input on a thread of its own and ends the process at end of file: when the
    /// supervisor holding the other end exits, even by a crash, the emulator goes with it.
    private static func exitWhenStandardInputCloses() {
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = buffer.withUnsafeMutableBytes { read(STDIN_FILENO, $0.baseAddress, $0.count) }
                if count == 0 || (count < 0 && errno != EINTR) { Foundation.exit(0) }
            }
        }
    }
}
