import CalsyncManifest
import CalsyncModel
import Foundation
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

@Suite struct EntryTimeTests {
    @Test(arguments: [(2024, 2, 29, true), (2025, 2, 29, false), (2000, 2, 29, true), (1900, 2, 29, false), (2026, 4, 31, false), (2026, 12, 31, true)])
    func dayDatesAreRealDates(_ year: Int, _ month: Int, _ day: Int, _ valid: Bool) {
        #expect((DayDate(year: year, month: month, day: day) != nil) == valid)
    }

    @Test func midnightMatchesTheGregorianCalendar() throws {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = try #require(TimeZone(identifier: "UTC"))
        for (year, month, day) in [(1970, 1, 1), (1969, 12, 31), (2000, 2, 29), (2026, 11, 24), (2100, 3, 1), (1600, 3, 1)] {
            let date = try #require(DayDate(year: year, month: month, day: day))
            #expect(date.utcMidnight == calendar.date(from: DateComponents(year: year, month: month, day: day)))
        }
    }

    @Test func timesParseWithOffsetsAndPrintInUTC() throws {
        #expect(EntryTime(parsing: "2026-11-24T10:00:00+02:00")?.description == "2026-11-24T08:00:00Z")
        #expect(EntryTime(parsing: "2026-11-24T10:00:00.500Z")?.description == "2026-11-24T10:00:00Z")
        #expect(EntryTime(parsing: "2026-11-24")?.isDate == true)
        for bad in ["2026-11-24T10:00:00", "2026-13-01", "24.11.2026", ""] { #expect(EntryTime(parsing: bad) == nil) }
    }
}
