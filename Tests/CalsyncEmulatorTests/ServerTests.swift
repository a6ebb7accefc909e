import CalsyncEmulator
import CalsyncTesting
import Foundation
import Testing

@Suite struct ServerTests {
    @Test func servesAllPrefixesOnOneEphemeralPort() async throws {
        // Given an emulator on port 0
        let harness = try await EmulatorHarness.start()
        // Then it reports a real port and the three base URLs under it
        #expect(!harness.baseURL.hasSuffix(":0"))
        #expect(harness.googleBaseURL == harness.baseURL + "/google")
        #expect(harness.graphBaseURL == harness.baseURL + "/graph")
        #expect(harness.microsoftLoginBaseURL == harness.baseURL + "/microsoft-login")
        let health = try await harness.send("GET", "/_control/health")
        #expect(health.status == 200)
        await harness.stop()
    }

    @Test func unknownRoutesAnswerInTheVendorsShape() async throws {
        let harness = try await EmulatorHarness.start()
        let google = try await harness.send("GET", "/google/calendar/v3/nothing")
        #expect(google.status == 404)
        #expect(google.json?["error"]?["errors"]?.arrayValue?.first?["reason"] == "notFound")
        let graph = try await harness.send("GET", "/graph/v1.0/nothing")
        #expect(graph.status == 404)
        #expect(graph.json?["error"]?["innerError"]?["request-id"] != nil)
        await harness.stop()
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: ServerTests.executablePath)))
    func runsAsAChildProcess() async throws {
        // Given the built executable
        let harness = try await EmulatorHarness.launch(
            executable: URL(fileURLWithPath: ServerTests.executablePath), arguments: ["--seed", "7"])
        // Then its control API answers on the port it printed
        let health = try await harness.send("GET", "/_control/health")
        #expect(health.status == 200)
        await harness.stop()
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: ServerTests.executablePath)))
    func exitsWithItsStandardInput() async throws {
        // Given the emulator started with --exit-with-stdin, its standard input a pipe this test holds
        let process = Process()
        process.executableURL = URL(fileURLWithPath: ServerTests.executablePath)
        process.arguments = ["--port", "0", "--exit-with-stdin"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let printed = PipeCollector(output)
        let started = ContinuousClock.now
        while !printed.text.contains("listening on") && ContinuousClock.now - started < .seconds(20) {
            try await Task.sleep(for: .milliseconds(20))
        }
        #expect(printed.text.contains("listening on"))
        #expect(process.isRunning)
        // When the other end closes, as it does when the supervising process dies
        try input.fileHandleForWriting.close()
        // Then the emulator exits by itself, cleanly
        let deadline = ContinuousClock.now + .seconds(20)
        while process.isRunning && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!process.isRunning)
        if process.isRunning { process.terminate() } else { #expect(process.terminationStatus == 0) }
    }

    static let executablePath = FileManager.default.currentDirectoryPath + "/.build/debug/calsync-emulator"
}
