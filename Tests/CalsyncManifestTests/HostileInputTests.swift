import CalsyncManifest
import CalsyncModel
import CalsyncTesting
import Foundation
import Testing

/// Input meant to crash, hang or exhaust the loader is refused with a located error.
@Suite struct HostileInputTests {
    private func load(_ contents: String, name: String = "m.yaml") throws -> ManifestSet {
        let directory = try TemporaryDirectory()
        try directory.write(name, contents)
        return ManifestLoader.load(paths: [directory.path])
    }

    @Test func deepFlowNestingIsRefused() throws {
        let set = try load("spec: " + String(repeating: "[", count: 200_000))
        #expect(set.diagnostics.map(\.code) == [.tooComplex])
        #expect(set.diagnostics.first?.location.line == 1)
    }

    @Test func deepBlockNestingIsRefused() throws {
        let set = try load("spec:\n  " + String(repeating: "- ", count: 100_000) + "x\n")
        #expect(set.diagnostics.map(\.code) == [.tooComplex])
        #expect(set.diagnostics.first?.location.line == 2)
    }

    @Test func deepIndentedNestingIsRefused() throws {
        var text = ""
        for depth in 0..<400 { text += String(repeating: " ", count: depth) + "k\(depth):\n" }
        let set = try load(text + String(repeating: " ", count: 400) + "leaf: 1\n")
        #expect(set.diagnostics.map(\.code) == [.tooComplex])
    }

    @Test func aliasBombInAKnownFieldStaysCheap() throws {
        var text = "apiVersion: calsync/v1\nkind: NotificationChannel\nmetadata: { name: ops }\nspec:\n"
        text += "  type: slack\n  url: { env: URL }\n  events: &l0 [a, b, c, d, e, f, g, h, i, j]\n"
        var previous = "l0"
        for level in 1...9 {
            text += "  tenants: &l\(level) [" + Array(repeating: "*\(previous)", count: 10).joined(separator: ", ") + "]\n"
            previous = "l\(level)"
        }
        let clock = ContinuousClock()
        var set: ManifestSet?
        let elapsed = try clock.measure { set = try load(text) }
        let diagnostics = try #require(set).diagnostics
        #expect(!diagnostics.isEmpty)
        #expect(diagnostics.allSatisfy { $0.location.line >= 1 })
        #expect(elapsed < .seconds(10))
    }

    @Test func binaryGarbageIsRefused() throws {
        var bytes: [UInt8] = []
        var random = SeededRandom(seed: 7)
        for _ in 0..<65_536 { bytes.append(UInt8.random(in: 0...255, using: &random)) }
        let directory = try TemporaryDirectory()
        try Data(bytes).write(to: URL(fileURLWithPath: directory.path + "/garbage.yaml"))
        let set = ManifestLoader.load(paths: [directory.path])
        #expect(set.diagnostics.map(\.code) == [.unreadableFile])
    }

    @Test func hugeFileIsRefused() throws {
        let line = "# " + String(repeating: "x", count: 1022) + "\n"
        let set = try load(String(repeating: line, count: 5 * 1024))
        #expect(set.diagnostics.map(\.code) == [.unreadableFile])
        #expect(set.diagnostics.first?.what.contains("larger than 4 MiB") == true)
    }

    @Test func emptyFilesAloneAreNoManifests() throws {
        let set = try load("")
        #expect(set.diagnostics.map(\.code) == [.noManifests])
    }

    @Test func documentThatIsNotAMappingIsLocated() throws {
        let set = try load("- just\n- a list\n")
        #expect(set.diagnostics.map(\.code) == [.wrongType])
        #expect(set.diagnostics.first?.location.line == 1)
    }

    @Test func byteOrderMarkIsAccepted() throws {
        let set = try load("\u{FEFF}apiVersion: calsync/v1\nkind: Tenant\nmetadata: { name: acme }\nspec: {}\n")
        #expect(set.diagnostics.isEmpty, "\(set.diagnostics)")
        #expect(set.desired?.tenants.count == 1)
    }

    @Test func duplicateKeysAreLocated() throws {
        let set = try load("apiVersion: calsync/v1\nkind: Tenant\nkind: Tenant\nmetadata: { name: acme }\nspec: {}\n")
        #expect(set.diagnostics.map(\.code) == [.malformedYAML])
        #expect(set.diagnostics.first?.location.line == 2)
    }
}
