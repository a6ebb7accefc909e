import CalsyncModel
import CalsyncSync
import Foundation
import Testing

/// Content hashes and derived ids: stable across vendors, processes and machines.
@Suite struct ContentHashTests {
    typealias F = Fixture

    @Test func hashIsPinned() {
        // Given fixed content, Then the hash every earlier run stored (a stored base must never drift):
        // SHA-256 of the canonical form, checked against Python's hashlib
        let allDay = ContentHash.hash(
            title: "abc", description: nil, location: nil, start: .date(DayDate(iso: "2026-01-05")!),
            end: .date(DayDate(iso: "2026-01-06")!), timeZone: "Europe/Berlin")
        #expect(allDay == "435b45f7d7be2fc8cee8eb0a5b3df2f881db969e2d162e3843f97dddbb54210d")
        let timed = ContentHash.hash(
            title: " Board", description: "Agenda\r\nitems", location: nil, start: .instant(F.at(hours: 1)),
            end: .instant(F.at(hours: 2)), timeZone: "Europe/Berlin")
        #expect(timed == "fedfa28ae87f06b9e6eb18f25c0a1697a39af8dd8dc86176629c52c26ba1e017")
    }

    @Test func entryAndVendorEventOfTheSameContentHashAlike() {
        let entry = Entry(
            id: EntryID(rawValue: "e"), tenant: F.ref.tenant, title: "Board", description: "Agenda\r\nitems ",
            location: nil, start: .instant(F.at(hours: 1)), end: .instant(F.at(hours: 2)), timeZone: "Europe/Berlin",
            updatedAt: F.now, origin: "local")
        let google = VendorEvent(
            id: "g", etag: "\"x\"", title: "Board", description: "Agenda\nitems", location: "", start: .instant(F.at(hours: 1)),
            end: .instant(F.at(hours: 2)), timeZone: "Europe/Berlin")
        #expect(ContentHash.of(entry) == ContentHash.of(google))
    }

    @Test func utcUnderAnyNameIsNoZone() {
        let utc = VendorEvent(id: "a", title: "T", start: .instant(F.now), end: .instant(F.at(hours: 1)), timeZone: "UTC")
        let none = VendorEvent(id: "b", title: "T", start: .instant(F.now), end: .instant(F.at(hours: 1)), timeZone: nil)
        let etc = VendorEvent(id: "c", title: "T", start: .instant(F.now), end: .instant(F.at(hours: 1)), timeZone: "Etc/UTC")
        let berlin = VendorEvent(id: "d", title: "T", start: .instant(F.now), end: .instant(F.at(hours: 1)), timeZone: "Europe/Berlin")
        #expect(ContentHash.of(utc) == ContentHash.of(none))
        #expect(ContentHash.of(etc) == ContentHash.of(none))
        #expect(ContentHash.of(berlin) != ContentHash.of(none))
    }

    @Test(arguments: ["title", "description", "location", "start", "end", "allDay", "timeZone"])
    func everyManagedFieldMovesTheHash(_ field: String) {
        let base = Entry(
            id: EntryID(rawValue: "e"), tenant: F.ref.tenant, title: "T", description: "D", location: "L",
            start: .instant(F.now), end: .instant(F.at(hours: 1)), timeZone: "Europe/Berlin", updatedAt: F.now,
            origin: "local")
        var changed = base
        switch field {
        case "title": changed.title = "T2"
        case "description": changed.description = "D2"
        case "location": changed.location = "L2"
        case "start": changed.start = .instant(F.at(hours: -1))
        case "end": changed.end = .instant(F.at(hours: 2))
        case "allDay":
            changed.start = .date(DayDate(iso: "2026-01-05")!)
            changed.end = .date(DayDate(iso: "2026-01-06")!)
        default: changed.timeZone = "America/New_York"
        }
        #expect(ContentHash.of(changed) != ContentHash.of(base))
    }

    @Test func fieldsCalsyncDoesNotManageLeaveTheHash() {
        // Given the same content with other version, time stamps and origin
        var entry = F.entry()
        let before = ContentHash.of(entry)
        entry.version = 7
        entry.updatedAt = F.at(hours: 5)
        entry.origin = "acme/google-main"
        #expect(ContentHash.of(entry) == before)
        var event = F.event()
        let eventBefore = ContentHash.of(event)
        event.etag = "\"new\""
        event.updatedAt = F.at(hours: 9)
        event.stamp = F.stamp
        #expect(ContentHash.of(event) == eventBefore)
        #expect(ContentHash.of(VendorEvent(id: "gone", isDeleted: true)) == nil)
    }

    @Test func mappingIDsAndSourceKeysAreDerived() {
        let id = SyncIdentity.mappingID(for: F.ref, entry: EntryID(rawValue: "e1"))
        #expect(id == SyncIdentity.mappingID(for: F.ref, entry: EntryID(rawValue: "e1")))
        #expect(id != SyncIdentity.mappingID(for: F.other, entry: EntryID(rawValue: "e1")))
        #expect(id != SyncIdentity.mappingID(for: F.ref, entry: EntryID(rawValue: "e2")))
        #expect(id.rawValue.count == SyncIdentity.mappingIDLength)
        let alphabet = Set("0123456789abcdefghijklmnopqrstuv")
        let isBase32Hex = id.rawValue.allSatisfy { alphabet.contains($0) }
        #expect(isBase32Hex)
        #expect(SyncIdentity.sourceKey(ref: F.ref, vendorEventID: "abc") == "calsync:acme/google-main/abc")
    }

    @Test func windowIsWholeUTCDays() {
        let window = SyncRange.interval(SyncWindow(pastDays: 1, futureDays: 2), now: F.now)
        #expect(RFC3339.string(window.start) == "2026-01-04T00:00:00Z")
        #expect(RFC3339.string(window.end) == "2026-01-08T00:00:00Z")
        // The dates move only when the day does
        #expect(SyncRange.interval(SyncWindow(pastDays: 1, futureDays: 2), now: F.at(hours: 10)) == window)
        #expect(SyncRange.interval(SyncWindow(pastDays: 1, futureDays: 2), now: F.at(hours: 15)) != window)
    }
}
