import CalsyncManifest
import CalsyncModel
import CalsyncTesting
import Foundation
import Testing

/// One fixture directory per rejection rule: the diagnostics, exactly, with file, line and column.
@Suite struct ValidationRuleTests {
    static let fixtures = RepositoryPaths.path("Tests/Fixtures/manifests")

    static var cases: [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: fixtures)) ?? []).sorted()
    }

    @Test(arguments: cases)
    func fixtureDiagnostics(_ name: String) throws {
        // Given a fixture directory holding manifests and the diagnostics they must produce
        let directory = "\(Self.fixtures)/\(name)"
        let entries = try FileManager.default.contentsOfDirectory(atPath: directory)
        let target = entries.contains("empty") ? "\(directory)/empty" : directory

        // When it is loaded
        let set = ManifestLoader.load(paths: [target])

        // Then the diagnostics are exactly the expected ones, and no desired state is produced
        let rendered = set.diagnostics.map { $0.description.replacingOccurrences(of: directory + "/", with: "") }
        let text = rendered.joined(separator: "\n") + "\n"
        if let mismatch = Snapshot.mismatch(text, golden: "\(directory)/expected-diagnostics.txt") {
            Issue.record(Comment(rawValue: mismatch))
        }
        #expect(set.hasErrors)
        #expect(set.desired == nil)
    }

    @Test func everyRuleHasAFixture() {
        // Every diagnostic code that validate can emit on manifests is pinned by at least one fixture
        let expected = Self.cases.compactMap {
            try? String(contentsOfFile: "\(Self.fixtures)/\($0)/expected-diagnostics.txt", encoding: .utf8)
        }.joined()
        let manifestCodes = DiagnosticCode.allCases
        let seen = manifestCodes.filter { code in
            Self.cases.contains { name in
                let set = ManifestLoader.load(paths: ["\(Self.fixtures)/\(name)"])
                return set.diagnostics.contains { $0.code == code }
            }
        }
        #expect(!expected.isEmpty)
        #expect(Set(seen) == Set(manifestCodes), "codes without a fixture: \(Set(manifestCodes).subtracting(seen))")
    }

    @Test func literalSecretsAreNeverEchoed() {
        let set = ManifestLoader.load(paths: ["\(Self.fixtures)/literal-secret"])
        let text = set.diagnostics.map(\.description).joined(separator: "\n")
        #expect(set.diagnostics.filter { $0.code == .literalSecret }.count == 3)
        for secret in ["GOCSPX-s3cr3t-value-do-not-print", "tok_live_do_not_print", "do-not-print"] {
            #expect(!text.contains(secret))
        }
    }

    @Test func sampleManifestsAreValid() throws {
        let set = ManifestLoader.load(paths: [RepositoryPaths.path("manifests")])
        #expect(set.diagnostics.isEmpty, "\(set.diagnostics)")
        let desired = try #require(set.desired)
        #expect(desired.tenants.map(\.name.rawValue) == ["acme", "globex"])
        #expect(Set(desired.providers.map(\.syncDirection)) == Set(SyncDirection.allCases))
        #expect(Set(desired.providers.map(\.vendor)) == Set(Vendor.allCases))
        #expect(!desired.channels.isEmpty)
    }

    @Test func defaultsComeFromTheSpec() throws {
        // Given a provider that sets only what is required
        let directory = try TemporaryDirectory()
        try directory.write(
            "m.yaml",
            """
            apiVersion: calsync/v1
            kind: Tenant
            metadata: { name: acme }
            spec:
              oauthApps:
                microsoft: { clientId: app, redirectUri: "http://localhost:8765/cb" }
            ---
            apiVersion: calsync/v1
            kind: CalendarProvider
            metadata: { name: outlook, tenant: acme }
            spec: { vendor: microsoft, calendarId: calendar }
            """)
        // When loaded
        let desired = try #require(ManifestLoader.load(paths: [directory.path]).desired)
        // Then every default of SPEC section 2 is applied
        let provider = try #require(desired.providers.first)
        #expect(provider.displayName == "outlook")
        #expect(provider.syncDirection == .bidirectional)
        #expect(provider.enabled)
        #expect(provider.conflictPolicy == .manual)
        #expect(provider.window == SyncWindow(pastDays: 30, futureDays: 365))
        #expect(provider.syncInterval == .minutes(15))
        #expect(provider.maxDeletesPerSync == 50)
        #expect(!provider.protect)
        let tenant = try #require(desired.tenants.first)
        #expect(tenant.displayName == "acme")
        #expect(tenant.oauthApps.microsoft?.directoryTenant == "common")
        #expect(tenant.oauthApps.microsoft?.clientSecret == nil)
        #expect(tenant.apiToken == nil)
    }
}
