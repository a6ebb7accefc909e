import CalsyncManifest
import CalsyncModel
import CalsyncTesting
import Foundation
import Testing

/// Thousands of mutated manifests: the loader never crashes or hangs, and every failure is located.
@Suite struct ManifestFuzzTests {
    static let samples: [String] = {
        let root = RepositoryPaths.path("manifests")
        let files = (FileManager.default.enumerator(atPath: root)?.allObjects as? [String] ?? [])
            .filter { $0.hasSuffix(".yaml") }.sorted()
        return files.compactMap { try? String(contentsOfFile: "\(root)/\($0)", encoding: .utf8) }
    }()

    static let fragments = [
        ":", "- ", "[", "]", "{", "}", "&a ", "*a", "!!int ", "'", "\"", "#", "\t", "\n", "---\n", "...\n", "? ",
        "|\n", ">-\n", "\u{0}", "\u{FEFF}", "é", "🙂", "~", "null", "yes", "0x1F", "-1", "99999999999999999999", "1e9",
        "<<: *a\n", "%YAML 1.2\n", "\\", "  ", "\r\n",
    ]

    static func mutate(_ text: String, using random: inout SeededRandom) -> String {
        var scalars = Array(text.unicodeScalars)
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            guard !scalars.isEmpty else { break }
            let position = Int.random(in: 0..<scalars.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0: scalars.remove(at: position)
            case 1:
                let fragment = fragments.randomElement(using: &random) ?? ":"
                scalars.insert(contentsOf: fragment.unicodeScalars, at: position)
            case 2: scalars.removeSubrange(position..<min(scalars.count, position + Int.random(in: 1...40, using: &random)))
            case 3:
                let end = min(scalars.count, position + Int.random(in: 1...80, using: &random))
                scalars.insert(contentsOf: scalars[position..<end], at: Int.random(in: 0...scalars.count, using: &random))
            case 4: scalars = Array(scalars[..<position])
            default:
                scalars[position] = Unicode.Scalar(UInt8.random(in: 0x20...0x7E, using: &random))
            }
        }
        var result = String.UnicodeScalarView()
        result.append(contentsOf: scalars)
        return String(result)
    }

    @Test func mutatedManifestsFailWithLocatedErrors() throws {
        let seed = TestSize.seed()
        let iterations = TestSize.pick(small: 2_000, long: 50_000)
        var random = SeededRandom(seed: seed)
        let directory = try TemporaryDirectory()
        let file = directory.path + "/fuzz.yaml"
        var failures = 0
        for iteration in 0..<iterations {
            let sample = Self.samples.randomElement(using: &random) ?? ""
            let text = Self.mutate(sample, using: &random)
            try text.write(toFile: file, atomically: false, encoding: .utf8)
            let set = ManifestLoader.load(paths: [file])
            if set.desired == nil {
                failures += 1
                let located = !set.diagnostics.isEmpty && set.diagnostics.allSatisfy {
                    $0.location.file == file && $0.location.line >= 1 && $0.location.column >= 1
                        && !$0.what.isEmpty && !$0.why.isEmpty && !$0.fix.isEmpty
                }
                if !located {
                    Issue.record("seed \(seed) iteration \(iteration): unlocated failure \(set.diagnostics)")
                    return
                }
            } else if !set.diagnostics.isEmpty {
                Issue.record("seed \(seed) iteration \(iteration): desired state despite \(set.diagnostics)")
                return
            }
        }
        // Most mutations break something: the fuzzer is exercising the error paths (replay with CALSYNC_SEED=\(seed)).
        #expect(failures > iterations / 4, "seed \(seed)")
    }
}
