import CalsyncState

extension Notifier {
    /// Appends every event not yet journaled to `status/events.jsonl`, oldest first, and marks them
    /// journaled once the append is flushed.
    /// - Returns: How many events were journaled.
    /// - Throws: `JournalError`, or `StateError` when the outbox cannot be read or written.
    func journal() throws -> Int {
        let journal = EventJournal(path: journalPath)
        var total = 0
        while true {
            let entries = try store.eventsToJournal(limit: configuration.batchSize)
            guard !entries.isEmpty else { return total }
            try journal.append(entries.map(EventLine.render))
            try store.markJournaled(entries.map(\.id), at: now)
            total += entries.count
            if entries.count < configuration.batchSize { return total }
        }
    }
}
