import CalsyncICal
import CalsyncModel
import CalsyncState
import Foundation

/// Converts between iCalendar instances and schedule entries.
enum ICalMapping {
    static func entryTime(_ time: ICalTime) -> EntryTime {
        switch time {
        case .instant(let date): return .instant(date)
        case .allDay(let day):
            return DayDate(year: day.year, month: day.month, day: day.day).map(EntryTime.date) ?? .instant(Date(timeIntervalSince1970: 0))
        }
    }

    static func icalTime(_ time: EntryTime) -> ICalTime {
        switch time {
        case .instant(let date): return .instant(date)
        case .date(let day):
            return CivilDate(year: day.year, month: day.month, day: day.day).map(ICalTime.allDay) ?? .instant(day.utcMidnight)
        }
    }

    static func imported(_ instance: ICalInstance) -> ImportedEntry {
        ImportedEntry(
            uid: instance.key.uid, key: instance.key.description, sequence: instance.revision.sequence, stamp: instance.revision.stamp,
            title: instance.title, description: instance.description.isEmpty ? nil : instance.description,
            location: instance.location.isEmpty ? nil : instance.location, start: entryTime(instance.start),
            end: entryTime(instance.end),
            timeZone: instance.isAllDay || instance.timeZone.identifier == "Etc/UTC" ? nil : instance.timeZone.identifier)
    }

    /// Whether an incoming instance replaces what was imported before (higher SEQUENCE, or equal and later DTSTAMP).
    static func supersedes(_ item: ImportedEntry, sequence: Int, stamp: Date?) -> Bool {
        ICalRevision(sequence: item.sequence, stamp: item.stamp).supersedes(ICalRevision(sequence: sequence, stamp: stamp))
    }

    static func exportEvent(_ entry: Entry, sourceKey: String?) -> ICalExportEvent {
        ICalExportEvent(
            uid: sourceKey ?? "\(entry.id)@calsync", title: entry.title, description: entry.description ?? "",
            location: entry.location ?? "", start: icalTime(entry.start), end: icalTime(entry.end),
            timeZone: entry.timeZone.flatMap(TimeZone.init(identifier:)), sequence: entry.version - 1,
            lastModified: entry.updatedAt)
    }
}
