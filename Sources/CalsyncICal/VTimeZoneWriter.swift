import Foundation

/// Writes one VTIMEZONE from Foundation's offset transitions for the instants it must cover.
///
/// The block has one STANDARD or DAYLIGHT part per transition from the last one before the
/// span up to the end of the span, each with `DTSTART` (local time before the change),
/// `TZOFFSETFROM`, `TZOFFSETTO` and `TZNAME`. A zone without transitions in that time gets
/// one STANDARD part with its fixed offset.
struct VTimeZoneWriter {
    /// The zone to describe.
    let zone: TimeZone
    /// The instants the exported events cover.
    let span: ClosedRange<Date>

    /// The content lines of the block, unfolded.
    func lines() -> [String] {
        var lines = ["BEGIN:VTIMEZONE", "TZID:\(zone.identifier)", "X-LIC-LOCATION:\(zone.identifier)"]
        let transitions = self.transitions()
        if transitions.isEmpty {
            let offset = zone.secondsFromGMT(for: span.lowerBound)
            lines += observance(
                isDaylight: false, onset: "19700101T000000", from: offset, to: offset,
                name: zone.abbreviation(for: span.lowerBound))
        }
        for transition in transitions {
            let from = zone.secondsFromGMT(for: transition.addingTimeInterval(-1))
            let to = zone.secondsFromGMT(for: transition)
            let onset = CivilDateTime(civilSeconds: Int(transition.timeIntervalSince1970) + from)
            lines += observance(
                isDaylight: zone.isDaylightSavingTime(for: transition), onset: "\(onset)", from: from, to: to,
                name: zone.abbreviation(for: transition))
        }
        lines.append("END:VTIMEZONE")
        return lines
    }

    /// The transitions from the last one at or before the span's start to the span's end.
    private func transitions() -> [Date] {
        var result: [Date] = []
        var cursor = span.lowerBound.addingTimeInterval(-2 * 366 * 86_400)
        while let next = zone.nextDaylightSavingTimeTransition(after: cursor), next <= span.upperBound {
            if next <= span.lowerBound { result.removeAll() }
            result.append(next)
            cursor = next
        }
        return result
    }

    private func observance(isDaylight: Bool, onset: String, from: Int, to: Int, name: String?) -> [String] {
        let kind = isDaylight ? "DAYLIGHT" : "STANDARD"
        var lines = [
            "BEGIN:\(kind)", "DTSTART:\(onset)", "TZOFFSETFROM:\(Self.offset(from))", "TZOFFSETTO:\(Self.offset(to))",
        ]
        if let name { lines.append("TZNAME:\(ContentLine.escape(name))") }
        lines.append("END:\(kind)")
        return lines
    }

    /// An offset as `+HHMM`, or `+HHMMSS` when it has seconds.
    static func offset(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let magnitude = abs(seconds)
        let text = sign + pad(magnitude / 3600, 2) + pad(magnitude % 3600 / 60, 2)
        return magnitude % 60 == 0 ? text : text + pad(magnitude % 60, 2)
    }
}
