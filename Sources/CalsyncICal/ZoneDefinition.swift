import Foundation

/// What a file's VTIMEZONE says about one TZID: its IANA location if named, and its
/// STANDARD and DAYLIGHT observances.
struct ZoneDefinition: Sendable, Equatable {
    /// One STANDARD or DAYLIGHT part: from each onset on, the offset is `offsetTo`.
    struct Observance: Sendable, Equatable {
        /// `DTSTART`: the first onset, in local time before the change.
        let start: CivilDateTime
        /// `TZOFFSETFROM`, in seconds.
        let offsetFrom: Int
        /// `TZOFFSETTO`, in seconds.
        let offsetTo: Int
        /// `RRULE` repeating the onset, if any.
        let rule: RecurrenceRule?
        /// `RDATE` onsets, in local time before the change.
        let extraStarts: [CivilDateTime]
    }

    /// One change of offset, at an instant in seconds since 1970.
    struct Change: Sendable, Equatable {
        /// The first second of the new offset, since 1970-01-01T00:00:00Z.
        let instant: Int
        /// The UTC offset just before, in seconds.
        let offsetBefore: Int
        /// The UTC offset from `instant` on, in seconds.
        let offsetAfter: Int
    }

    /// `X-LIC-LOCATION`, if written.
    var location: String?
    /// The STANDARD and DAYLIGHT parts.
    var observances: [Observance] = []

    /// The first and last years over which a definition is compared with IANA zones.
    static let comparedYears = 2010...2037

    /// Every distinct `TZOFFSETTO`, in seconds.
    var offsets: Set<Int> {
        Set(observances.map(\.offsetTo))
    }

    /// The offset changes the definition describes within `comparedYears`, in time order.
    func changes() -> [Change] {
        guard let first = CivilDate(year: Self.comparedYears.lowerBound, month: 1, day: 1),
            let last = CivilDate(year: Self.comparedYears.upperBound, month: 12, day: 31)
        else { return [] }
        let window = CivilDateTime(midnightOf: first)...CivilDateTime(midnightOf: last)
        var result: [Change] = []
        for observance in observances where observance.offsetFrom != observance.offsetTo {
            var onsets = observance.extraStarts
            if let rule = observance.rule {
                onsets += (try? rule.occurrences(start: observance.start, window: window, zone: .utc)) ?? []
            } else {
                onsets.append(observance.start)
            }
            for onset in onsets where window.contains(onset) {
                result.append(Change(
                    instant: onset.civilSeconds - observance.offsetFrom, offsetBefore: observance.offsetFrom,
                    offsetAfter: observance.offsetTo))
            }
        }
        return result.sorted { $0.instant < $1.instant }
    }

    /// The first IANA zone whose offsets agree with this definition around and between each of
    /// its changes in `comparedYears`: the CLDR Windows-zone targets first, in table order, then
    /// every zone the system knows, in name order. `nil` when there are no changes or no zone agrees.
    func matchingZone() -> TimeZone? {
        let changes = changes()
        guard !changes.isEmpty else { return nil }
        let candidates = WindowsTimeZones.ianaNames + TimeZone.knownTimeZoneIdentifiers.sorted()
        return candidates.lazy.compactMap { TimeZone(identifier: $0) }.first { zone in
            agrees(zone, with: changes)
        }
    }

    private func agrees(_ zone: TimeZone, with changes: [Change]) -> Bool {
        func offset(_ instant: Int) -> Int {
            zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(instant)))
        }
        for (index, change) in changes.enumerated() {
            guard offset(change.instant - 1) == change.offsetBefore, offset(change.instant) == change.offsetAfter
            else { return false }
            if index + 1 < changes.count {
                let middle = (change.instant + changes[index + 1].instant) / 2
                guard offset(middle) == change.offsetAfter else { return false }
            }
        }
        return true
    }
}
