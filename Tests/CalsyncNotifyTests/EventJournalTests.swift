import CalsyncModel
import CalsyncNotify
import CalsyncState
import CalsyncTesting
import Foundation
import Testing

/// `status/events.jsonl`: appended once per event, whole lines only, even across a crash.
@Suite struct EventJournalTests {
    @Test func aRepeatedAppendWritesNothingTwice() throws {
        let world = try NotifyWorld()
        defer { world.remove() }
        let journal = EventJournal(path: world.statusDirectory + "/events.jsonl")
        #expect(try journal.append([#"{"id":1}"#, #"{"id":2}"#]) == 2)
        #expect(try journal.append([#"{"id":2}"#, #"{"id":3}"#]) == 1)
        #expect(world.journal == "{\"id\":1}\n{\"id\":2}\n{\"id\":3}\n")
    }

    @Test func aTornLastLineIsClosedBeforeTheNextAppend() throws {
        // Given a journal whose last line a crash cut short
        let world = try NotifyWorld()
        defer { world.remove() }
        try FileManager.default.createDirectory(atPath: world.statusDirectory, withIntermediateDirectories: true)
        try "{\"id\":1}\n{\"id\":2,\"ty".write(
            toFile: world.statusDirectory + "/events.jsonl", atomically: true, encoding: .utf8)
        // When the event is appended again, Then it gets a whole line of its own
        try EventJournal(path: world.statusDirectory + "/events.jsonl").append([#"{"id":2,"type":"error"}"#])
        #expect(world.journal == "{\"id\":1}\n{\"id\":2,\"ty\n{\"id\":2,\"type\":\"error\"}\n")
    }

    @Test func aRunThatDiedAfterTheAppendIsNotJournaledTwice() async throws {
        // Given an event whose line reached the journal before the run died, so it is not marked journaled
        let world = try NotifyWorld()
        defer { world.remove() }
        try world.enqueue(.conflict, message: "mapping m-1 changed on both sides", key: "conflict:m-1")
        let entry = try #require(try world.store.eventsToJournal().first)
        try EventJournal(path: world.statusDirectory + "/events.jsonl").append([EventLine.render(entry)])
        // When the next run journals, Then the line is there once and the event is marked
        let report = await world.notify()
        #expect(report.errors.isEmpty)
        #expect(world.journal == EventLine.render(entry) + "\n")
        #expect(try world.store.eventsToJournal().isEmpty)
    }

    @Test func anUnwritableJournalKeepsTheEventsQueued() async throws {
        // Given a status "directory" that is a file
        let world = try NotifyWorld()
        defer { world.remove() }
        try "not a directory".write(toFile: world.statusDirectory, atomically: true, encoding: .utf8)
        try world.enqueue(.conflict, message: "mapping m-1 changed on both sides", key: "conflict:m-1")
        // When the notifier runs, Then the run reports the error and the event stays to journal and unsettled
        let report = await world.notify()
        #expect(report.errors.count == 1)
        #expect(report.errors.first?.hasPrefix("cannot append to \"\(world.statusDirectory)/events.jsonl\"") == true)
        #expect(try world.store.eventsToJournal().count == 1)
        #expect(try world.store.undeliveredEvents().count == 1)
    }
}
