import Foundation
import Testing

@testable import CalsyncICal

/// One comparison of an incoming copy against the imported copy of a UID.
struct UpdateCase: CustomTestStringConvertible, Sendable {
    let name: String
    let incoming: ICalRevision
    let current: ICalRevision
    let replaces: Bool

    var testDescription: String { name }
}

private let earlier = utc("2026-11-01T00:00:00Z")
private let later = utc("2026-11-02T00:00:00Z")

private let updateCases: [UpdateCase] = [
    UpdateCase(name: "higher SEQUENCE wins", incoming: .init(sequence: 2, stamp: earlier),
               current: .init(sequence: 1, stamp: later), replaces: true),
    UpdateCase(name: "lower SEQUENCE loses even with a later DTSTAMP", incoming: .init(sequence: 0, stamp: later),
               current: .init(sequence: 1, stamp: earlier), replaces: false),
    UpdateCase(name: "equal SEQUENCE, later DTSTAMP wins", incoming: .init(sequence: 1, stamp: later),
               current: .init(sequence: 1, stamp: earlier), replaces: true),
    UpdateCase(name: "equal SEQUENCE, earlier DTSTAMP loses", incoming: .init(sequence: 1, stamp: earlier),
               current: .init(sequence: 1, stamp: later), replaces: false),
    UpdateCase(name: "identical revision changes nothing", incoming: .init(sequence: 1, stamp: later),
               current: .init(sequence: 1, stamp: later), replaces: false),
    UpdateCase(name: "a DTSTAMP beats none", incoming: .init(sequence: 0, stamp: earlier),
               current: .init(sequence: 0, stamp: nil), replaces: true),
    UpdateCase(name: "no DTSTAMP does not beat one", incoming: .init(sequence: 0, stamp: nil),
               current: .init(sequence: 0, stamp: earlier), replaces: false),
    UpdateCase(name: "neither has a DTSTAMP", incoming: .init(sequence: 0, stamp: nil),
               current: .init(sequence: 0, stamp: nil), replaces: false),
]

@Suite("A UID already imported is updated by a newer revision only")
struct UpdateRuleTests {
    @Test(arguments: updateCases)
    func decidesByRevision(_ update: UpdateCase) {
        #expect(update.incoming.supersedes(update.current) == update.replaces)
    }

    @Test func duplicateUIDInOneFileKeepsTheNewestCopy() throws {
        // Given one UID written twice, the second with a higher SEQUENCE, then a stale third
        let text = calendar([
            "BEGIN:VEVENT", "UID:dup", "SEQUENCE:1", "DTSTAMP:20261101T000000Z", "DTSTART:20261124T100000Z",
            "SUMMARY:First", "END:VEVENT",
            "BEGIN:VEVENT", "UID:dup", "SEQUENCE:2", "DTSTAMP:20261101T000000Z", "DTSTART:20261124T110000Z",
            "SUMMARY:Second", "END:VEVENT",
            "BEGIN:VEVENT", "UID:dup", "SEQUENCE:1", "DTSTAMP:20261105T000000Z", "DTSTART:20261124T120000Z",
            "SUMMARY:Stale", "END:VEVENT",
        ])

        // When it is expanded
        let instances = try ICalendar.parse(text, fileName: "dup.ics")
            .expand(range: ICalendar.defaultRange(around: utc("2026-11-20T00:00:00Z")))

        // Then one instance remains, from the highest SEQUENCE
        #expect(instances.map(\.title) == ["Second"])
        #expect(instances.first?.revision == ICalRevision(sequence: 2, stamp: utc("2026-11-01T00:00:00Z")))
    }
}
