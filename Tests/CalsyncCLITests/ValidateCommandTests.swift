import CalsyncTesting
import Foundation
import Testing

/// `calsync validate` and `calsync schema` driven as a user drives them: the built binary, its output and exit code.
@Suite struct ValidateCommandTests {
    let fixtures = RepositoryPaths.path("Tests/Fixtures/manifests")

    @Test func validManifestsPrintOneLineAndExitZero() async throws {
        let result = try await CommandRunner.calsync(["validate"], in: RepositoryPaths.root.path)
        #expect(result.exitCode == 0)
        #expect(result.stdout == "Valid: 3 files, 2 tenants, 4 providers, 2 notification channels.\n")
        #expect(result.stderr.isEmpty)
    }

    @Test func everyProblemIsPrintedAtOnceAndExitsOne() async throws {
        let result = try await CommandRunner.calsync(["validate", "out-of-range", "invalid-value"], in: fixtures)
        #expect(result.exitCode == 1)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        let errors = lines.filter { $0.contains(": error: ") }
        #expect(errors.count == 13)
        #expect(errors.allSatisfy { $0.range(of: #"^[^:]+:\d+:\d+: error: .+ \(.+\)\. .+$"#, options: .regularExpression) != nil })
        #expect(errors.contains { $0.hasPrefix("out-of-range/manifests.yaml:18:23: error:") })
        #expect(lines.last == "13 errors in 2 files.")
    }

    @Test func literalSecretsAreNotEchoed() async throws {
        let result = try await CommandRunner.calsync(["validate", "literal-secret"], in: fixtures)
        #expect(result.exitCode == 1)
        #expect(!result.stderr.contains("do-not-print"))
        #expect(!result.stdout.contains("do-not-print"))
        #expect(result.stderr.contains("written as a literal"))
    }

    @Test func missingPathIsAnError() async throws {
        let result = try await CommandRunner.calsync(["validate", "no/such/dir"], in: fixtures)
        #expect(result.exitCode == 1)
        #expect(result.stderr.hasPrefix("no/such/dir:1:1: error: \"no/such/dir\" does not exist"))
    }

    @Test func usageErrorsExit64WithHelp() async throws {
        let result = try await CommandRunner.calsync(["validate", "--no-such-flag"])
        #expect(result.exitCode == 64)
        #expect(result.stderr.contains("Usage: calsync validate"))
        let unknown = try await CommandRunner.calsync(["frobnicate"])
        #expect(unknown.exitCode == 64)
    }

    @Test func configFileIsValidatedToo() async throws {
        let directory = NSTemporaryDirectory() + "calsync-cli-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try FileManager.default.copyItem(atPath: RepositoryPaths.path("manifests"), toPath: directory + "/manifests")
        try "apiVersion: calsync/v1\nkind: Config\nspec:\n  webhookRenewBefore: soon\n".write(
            toFile: directory + "/calsync.yaml", atomically: true, encoding: .utf8)
        let result = try await CommandRunner.calsync(["validate"], in: directory)
        #expect(result.exitCode == 1)
        #expect(result.stderr.hasPrefix("calsync.yaml:4:23: error: spec.webhookRenewBefore \"soon\" of the configuration is not a duration"))
        let example = try await CommandRunner.calsync(
            ["validate", "--config", RepositoryPaths.path("examples/calsync.yaml")], in: directory)
        #expect(example.exitCode == 0, "\(example.stderr)")
    }
}
