import CalsyncManifest
import CalsyncModel
import Testing

@Suite struct ModelTests {
    @Test(arguments: [
        ("15m", 900), ("1h30m", 5400), ("7d", 604_800), ("90s", 90), ("0s", 0), ("2d3h", 183_600),
    ])
    func durationsParse(_ text: String, _ seconds: Int64) throws {
        let duration = try #require(SpecDuration(parsing: text))
        #expect(duration.seconds == seconds)
        #expect(SpecDuration(parsing: duration.description) == duration)
    }

    @Test(arguments: ["", "15", "m", "15x", "1.5h", "-5m", "15m ", "99999999999999999999s"])
    func malformedDurationsAreRefused(_ text: String) {
        #expect(SpecDuration(parsing: text) == nil)
    }

    @Test func signedDurationsForClockOffsets() {
        #expect(SpecDuration(parsing: "-10m", allowSign: true)?.seconds == -600)
        #expect(SpecDuration(parsing: "+72h", allowSign: true)?.description == "3d")
    }

    @Test(arguments: [
        ("acme", true), ("a", true), ("a-1", true), (String(repeating: "a", count: 63), true),
        (String(repeating: "a", count: 64), false), ("Acme", false), ("-a", false), ("a-", false), ("a_b", false),
        ("", false), ("ä", false),
    ])
    func dnsLabels(_ text: String, _ valid: Bool) {
        #expect(DNSLabel.isValid(text) == valid)
        #expect((TenantName(rawValue: text) != nil) == valid)
    }

    @Test func providerRefsPrintAndParse() throws {
        let ref = try #require(ProviderRef("acme/google-main"))
        #expect(ref.description == "acme/google-main")
        #expect(ProviderRef("acme") == nil)
        #expect(ProviderRef("acme/Google") == nil)
    }

    @Test func secretsNeverPrint() {
        let secret = Secret("hunter2")
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
    }

    @Test func diagnosticsRenderAsCompilerErrors() {
        let diagnostic = Diagnostic(
            .literalSecret, at: SourceLocation(file: "manifests/acme.yaml", line: 14, column: 15),
            what: "spec.apiToken of tenant \"acme\" is written as a literal", why: "secrets must not live in manifests",
            fix: "Use { env: NAME } or { file: PATH }")
        #expect(
            diagnostic.description
                == "manifests/acme.yaml:14:15: error: spec.apiToken of tenant \"acme\" is written as a literal (secrets must not live in manifests). Use { env: NAME } or { file: PATH }."
        )
    }
}
