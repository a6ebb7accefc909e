import CalsyncModel
import Foundation

/// The hash of the fields calsync manages (title, description, location, start, end, all-day, time zone),
/// normalized so that one event reads the same from an entry, from Google and from Graph.
///
/// A mapping records the hash of each side as last synced; a side whose hash differs has changed.
/// Fields calsync does not manage (attendees, reminders, colours) never move it.
public enum ContentHash {
    /// Version prefix of the canonical form, so a change to the normalization can never be mistaken
    /// for an edit of unchanged content.
    static let version = "v1"

    /// The hash of an entry.
    public static func of(_ entry: Entry) -> String {
        hash(
            title: entry.title, description: entry.description, location: entry.location, start: entry.start,
            end: entry.end, timeZone: entry.timeZone)
    }

    /// The hash of a vendor event; nil for a deleted one, which has no content.
    public static func of(_ event: VendorEvent) -> String? {
        guard !event.isDeleted, let start = event.start, let end = event.end else { return nil }
        return hash(
            title: event.title, description: event.description, location: event.location, start: start, end: end,
            timeZone: event.timeZone)
    }

    /// The hash of the managed fields.
    public static func hash(
        title: String, description: String?, location: String?, start: EntryTime, end: EntryTime, timeZone: String?
    ) -> String {
        let fields = [
            version, text(title), text(description), text(location), start.description, end.description,
            start.isDate ? "all-day" : "timed", start.isDate ? "" : zone(timeZone),
        ]
        return Digests.hex(fields.joined(separator: "\u{1F}"))
    }

    /// Line endings as `\n`, surrounding white space dropped, absent as empty: vendors differ on all three.
    static func text(_ value: String?) -> String {
        guard let value else { return "" }
        // Most values have no carriage return and nothing to trim: they are taken as they are.
        let utf8 = value.utf8
        if !utf8.contains(13), let first = value.unicodeScalars.first, let last = value.unicodeScalars.last,
            !CharacterSet.whitespacesAndNewlines.contains(first), !CharacterSet.whitespacesAndNewlines.contains(last)
        {
            return value
        }
        return value.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// UTC under any of its names reads as no zone: Graph answers in UTC whatever was written.
    static func zone(_ value: String?) -> String {
        guard let value, !utcNames.contains(value) else { return "" }
        return value
    }

    static let utcNames: Set<String> = ["", "UTC", "Etc/UTC", "GMT", "Etc/GMT", "Z", "Coordinated Universal Time"]
}
