import CalsyncTesting
import Foundation
import Testing

/// The JSON Schema, checked by a standard validator (python-jsonschema, draft 2020-12).
@Suite struct SchemaCommandTests {
    static let checker = """
        import json, sys, yaml, jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
        results = []
        for path in sys.argv[2:]:
            for doc in yaml.safe_load_all(open(path)):
                if doc is None:
                    continue
                errors = list(validator.iter_errors(doc))
                results.append("%s %s %s" % (path, "ok" if not errors else "invalid", doc.get("kind")))
        print("\\n".join(results))
        """

    func check(_ files: [String]) async throws -> [String] {
        let directory = NSTemporaryDirectory() + "calsync-schema-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let schema = try await CommandRunner.calsync(["schema"])
        #expect(schema.exitCode == 0)
        try schema.stdout.write(toFile: directory + "/schema.json", atomically: true, encoding: .utf8)
        try Self.checker.write(toFile: directory + "/check.py", atomically: true, encoding: .utf8)
        let result = try await CommandRunner.run(
            "/usr/bin/env", ["python3", directory + "/check.py", directory + "/schema.json"] + files)
        #expect(result.exitCode == 0, "\(result.stderr)")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    static var repositoryManifests: [String] {
        let root = RepositoryPaths.root.path
        var files: [String] = []
        for base in ["manifests", "examples"] {
            let entries = FileManager.default.enumerator(atPath: "\(root)/\(base)")?.allObjects as? [String] ?? []
            files += entries.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.map { "\(root)/\(base)/\($0)" }
        }
        return files.filter { path in
            (try? String(contentsOfFile: path, encoding: .utf8))?.contains("apiVersion: calsync/v1") == true
        }.sorted()
    }

    @Test func everyExampleInTheRepositoryIsAccepted() async throws {
        let files = Self.repositoryManifests
        #expect(files.count >= 4)
        let lines = try await check(files)
        #expect(!lines.isEmpty)
        for line in lines { #expect(line.contains(" ok "), "\(line)") }
        let kinds = Set(lines.compactMap { $0.split(separator: " ").last.map(String.init) })
        #expect(kinds == ["Tenant", "CalendarProvider", "NotificationChannel", "Config"])
    }

    @Test func badEnumsAndUnknownFieldsAreRejected() async throws {
        let directory = NSTemporaryDirectory() + "calsync-bad-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let base = "apiVersion: calsync/v1\nkind: CalendarProvider\nmetadata: { name: g, tenant: acme }\n"
        let cases = [
            "bad-vendor": base + "spec: { vendor: yahoo, calendarId: primary }\n",
            "bad-direction": base + "spec: { vendor: google, calendarId: primary, syncDirection: both }\n",
            "bad-policy": base + "spec: { vendor: google, calendarId: primary, conflictPolicy: latest }\n",
            "unknown-field": base + "spec: { vendor: google, calendarId: primary, colour: red }\n",
            "literal-secret": "apiVersion: calsync/v1\nkind: NotificationChannel\nmetadata: { name: ops }\nspec: { type: slack, url: \"https://x\" }\n",
            "bad-event": "apiVersion: calsync/v1\nkind: NotificationChannel\nmetadata: { name: ops }\nspec: { type: slack, url: { env: U }, events: [meltdown] }\n",
        ]
        var files: [String] = []
        for (name, text) in cases.sorted(by: { $0.key < $1.key }) {
            let path = "\(directory)/\(name).yaml"
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            files.append(path)
        }
        let lines = try await check(files)
        #expect(lines.count == cases.count)
        for line in lines { #expect(line.contains(" invalid "), "\(line)") }
    }
}
