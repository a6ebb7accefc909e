import Foundation
import Testing

@testable import CalsyncICal

/// One example of RFC 5545 section 3.8.5.3, with the RFC's own list of dates.
struct RFCExample: CustomTestStringConvertible, Sendable {
    let name: String
    let start: String
    let rule: String
    var exdate: String? = nil
    /// The RFC's occurrences as `YYYYMMDDTHHMM` in America/New_York.
    let expected: [String]
    /// Whether the rule goes on forever, so only the first occurrences are compared.
    var isOpenEnded = false
    /// How many days of the timeline to expand.
    var rangeDays = 365 * 12

    var testDescription: String { name }
}

/// The occurrences `days` of `yearMonth` (`199709`) at `time` (`0900`).
private func on(_ yearMonth: String, _ days: [Int], at time: String = "0900") -> [String] {
    days.map { yearMonth + ($0 < 10 ? "0\($0)" : "\($0)") + "T" + time }
}

private func on(_ yearMonth: String, _ days: ClosedRange<Int>, at time: String = "0900") -> [String] {
    on(yearMonth, Array(days), at: time)
}

private let rfcExamples: [RFCExample] = [
    RFCExample(
        name: "Daily for 10 occurrences", start: "19970902T090000", rule: "FREQ=DAILY;COUNT=10",
        expected: on("199709", 2...11)),
    RFCExample(
        name: "Daily until December 24, 1997", start: "19970902T090000", rule: "FREQ=DAILY;UNTIL=19971224T000000Z",
        expected: on("199709", 2...30) + on("199710", 1...31) + on("199711", 1...30) + on("199712", 1...23)),
    RFCExample(
        name: "Every other day - forever", start: "19970902T090000", rule: "FREQ=DAILY;INTERVAL=2",
        expected: on("199709", Array(stride(from: 2, through: 30, by: 2)))
            + on("199710", Array(stride(from: 2, through: 30, by: 2)))
            + on("199711", Array(stride(from: 1, through: 29, by: 2))) + on("199712", [1, 3]),
        isOpenEnded: true),
    RFCExample(
        name: "Every 10 days, 5 occurrences", start: "19970902T090000", rule: "FREQ=DAILY;INTERVAL=10;COUNT=5",
        expected: on("199709", [2, 12, 22]) + on("199710", [2, 12])),
    RFCExample(
        name: "Every day in January, for 3 years (yearly)", start: "19980101T090000",
        rule: "FREQ=YEARLY;UNTIL=20000131T140000Z;BYMONTH=1;BYDAY=SU,MO,TU,WE,TH,FR,SA",
        expected: on("199801", 1...31) + on("199901", 1...31) + on("200001", 1...31)),
    RFCExample(
        name: "Every day in January, for 3 years (daily)", start: "19980101T090000",
        rule: "FREQ=DAILY;UNTIL=20000131T140000Z;BYMONTH=1",
        expected: on("199801", 1...31) + on("199901", 1...31) + on("200001", 1...31)),
    RFCExample(
        name: "Weekly for 10 occurrences", start: "19970902T090000", rule: "FREQ=WEEKLY;COUNT=10",
        expected: on("199709", [2, 9, 16, 23, 30]) + on("199710", [7, 14, 21, 28]) + on("199711", [4])),
    RFCExample(
        name: "Weekly until December 24, 1997", start: "19970902T090000", rule: "FREQ=WEEKLY;UNTIL=19971224T000000Z",
        expected: on("199709", [2, 9, 16, 23, 30]) + on("199710", [7, 14, 21, 28]) + on("199711", [4, 11, 18, 25])
            + on("199712", [2, 9, 16, 23])),
    RFCExample(
        name: "Every other week - forever", start: "19970902T090000", rule: "FREQ=WEEKLY;INTERVAL=2;WKST=SU",
        expected: on("199709", [2, 16, 30]) + on("199710", [14, 28]) + on("199711", [11, 25]) + on("199712", [9, 23])
            + on("199801", [6, 20]) + on("199802", [3, 17]),
        isOpenEnded: true),
    RFCExample(
        name: "Weekly on Tuesday and Thursday for five weeks (until)", start: "19970902T090000",
        rule: "FREQ=WEEKLY;UNTIL=19971007T000000Z;WKST=SU;BYDAY=TU,TH",
        expected: on("199709", [2, 4, 9, 11, 16, 18, 23, 25, 30]) + on("199710", [2])),
    RFCExample(
        name: "Weekly on Tuesday and Thursday for five weeks (count)", start: "19970902T090000",
        rule: "FREQ=WEEKLY;COUNT=10;WKST=SU;BYDAY=TU,TH",
        expected: on("199709", [2, 4, 9, 11, 16, 18, 23, 25, 30]) + on("199710", [2])),
    RFCExample(
        name: "Every other week on Monday, Wednesday and Friday until December 24, 1997", start: "19970901T090000",
        rule: "FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR",
        expected: on("199709", [1, 3, 5, 15, 17, 19, 29]) + on("199710", [1, 3, 13, 15, 17, 27, 29, 31])
            + on("199711", [10, 12, 14, 24, 26, 28]) + on("199712", [8, 10, 12, 22])),
    RFCExample(
        name: "Every other week on Tuesday and Thursday, for 8 occurrences", start: "19970902T090000",
        rule: "FREQ=WEEKLY;INTERVAL=2;COUNT=8;WKST=SU;BYDAY=TU,TH",
        expected: on("199709", [2, 4, 16, 18, 30]) + on("199710", [2, 14, 16])),
    RFCExample(
        name: "Monthly on the first Friday for 10 occurrences", start: "19970905T090000",
        rule: "FREQ=MONTHLY;COUNT=10;BYDAY=1FR",
        expected: on("199709", [5]) + on("199710", [3]) + on("199711", [7]) + on("199712", [5]) + on("199801", [2])
            + on("199802", [6]) + on("199803", [6]) + on("199804", [3]) + on("199805", [1]) + on("199806", [5])),
    RFCExample(
        name: "Monthly on the first Friday until December 24, 1997", start: "19970905T090000",
        rule: "FREQ=MONTHLY;UNTIL=19971224T000000Z;BYDAY=1FR",
        expected: on("199709", [5]) + on("199710", [3]) + on("199711", [7]) + on("199712", [5])),
    RFCExample(
        name: "Every other month on the first and last Sunday for 10 occurrences", start: "19970907T090000",
        rule: "FREQ=MONTHLY;INTERVAL=2;COUNT=10;BYDAY=1SU,-1SU",
        expected: on("199709", [7, 28]) + on("199711", [2, 30]) + on("199801", [4, 25]) + on("199803", [1, 29])
            + on("199805", [3, 31])),
    RFCExample(
        name: "Monthly on the second-to-last Monday for 6 months", start: "19970922T090000",
        rule: "FREQ=MONTHLY;COUNT=6;BYDAY=-2MO",
        expected: on("199709", [22]) + on("199710", [20]) + on("199711", [17]) + on("199712", [22])
            + on("199801", [19]) + on("199802", [16])),
    RFCExample(
        name: "Monthly on the third-to-the-last day, forever", start: "19970928T090000",
        rule: "FREQ=MONTHLY;BYMONTHDAY=-3",
        expected: on("199709", [28]) + on("199710", [29]) + on("199711", [28]) + on("199712", [29])
            + on("199801", [29]) + on("199802", [26]),
        isOpenEnded: true),
    RFCExample(
        name: "Monthly on the 2nd and 15th for 10 occurrences", start: "19970902T090000",
        rule: "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=2,15",
        expected: on("199709", [2, 15]) + on("199710", [2, 15]) + on("199711", [2, 15]) + on("199712", [2, 15])
            + on("199801", [2, 15])),
    RFCExample(
        name: "Monthly on the first and last day for 10 occurrences", start: "19970930T090000",
        rule: "FREQ=MONTHLY;COUNT=10;BYMONTHDAY=1,-1",
        expected: on("199709", [30]) + on("199710", [1, 31]) + on("199711", [1, 30]) + on("199712", [1, 31])
            + on("199801", [1, 31]) + on("199802", [1])),
    RFCExample(
        name: "Every 18 months on the 10th thru 15th for 10 occurrences", start: "19970910T090000",
        rule: "FREQ=MONTHLY;INTERVAL=18;COUNT=10;BYMONTHDAY=10,11,12,13,14,15",
        expected: on("199709", 10...15) + on("199903", 10...13)),
    RFCExample(
        name: "Every Tuesday, every other month", start: "19970902T090000", rule: "FREQ=MONTHLY;INTERVAL=2;BYDAY=TU",
        expected: on("199709", [2, 9, 16, 23, 30]) + on("199711", [4, 11, 18, 25]) + on("199801", [6, 13, 20, 27])
            + on("199803", [3, 10, 17, 24, 31]),
        isOpenEnded: true),
    RFCExample(
        name: "Yearly in June and July for 10 occurrences", start: "19970610T090000",
        rule: "FREQ=YEARLY;COUNT=10;BYMONTH=6,7",
        expected: ["1997", "1998", "1999", "2000", "2001"].flatMap { on($0 + "06", [10]) + on($0 + "07", [10]) }),
    RFCExample(
        name: "Every other year on January, February, and March for 10 occurrences", start: "19970310T090000",
        rule: "FREQ=YEARLY;INTERVAL=2;COUNT=10;BYMONTH=1,2,3",
        expected: on("199703", [10]) + ["1999", "2001", "2003"].flatMap { year in
            on(year + "01", [10]) + on(year + "02", [10]) + on(year + "03", [10])
        }),
    RFCExample(
        name: "Every third year on the 1st, 100th, and 200th day for 10 occurrences", start: "19970101T090000",
        rule: "FREQ=YEARLY;INTERVAL=3;COUNT=10;BYYEARDAY=1,100,200",
        expected: on("199701", [1]) + on("199704", [10]) + on("199707", [19]) + on("200001", [1]) + on("200004", [9])
            + on("200007", [18]) + on("200301", [1]) + on("200304", [10]) + on("200307", [19]) + on("200601", [1])),
    RFCExample(
        name: "Every 20th Monday of the year, forever", start: "19970519T090000", rule: "FREQ=YEARLY;BYDAY=20MO",
        expected: on("199705", [19]) + on("199805", [18]) + on("199905", [17]), isOpenEnded: true),
    RFCExample(
        name: "Monday of week number 20, forever", start: "19970512T090000", rule: "FREQ=YEARLY;BYWEEKNO=20;BYDAY=MO",
        expected: on("199705", [12]) + on("199805", [11]) + on("199905", [17]), isOpenEnded: true),
    RFCExample(
        name: "Every Thursday in March, forever", start: "19970313T090000", rule: "FREQ=YEARLY;BYMONTH=3;BYDAY=TH",
        expected: on("199703", [13, 20, 27]) + on("199803", [5, 12, 19, 26]) + on("199903", [4, 11, 18, 25]),
        isOpenEnded: true),
    RFCExample(
        name: "Every Thursday, but only during June, July, and August, forever", start: "19970605T090000",
        rule: "FREQ=YEARLY;BYDAY=TH;BYMONTH=6,7,8",
        expected: on("199706", [5, 12, 19, 26]) + on("199707", [3, 10, 17, 24, 31]) + on("199708", [7, 14, 21, 28])
            + on("199806", [4, 11, 18, 25]) + on("199807", [2, 9, 16, 23, 30]) + on("199808", [6, 13, 20, 27])
            + on("199906", [3, 10, 17, 24]) + on("199907", [1, 8, 15, 22, 29]) + on("199908", [5, 12, 19, 26]),
        isOpenEnded: true),
    RFCExample(
        name: "Every Friday the 13th, forever", start: "19970902T090000",
        rule: "FREQ=MONTHLY;BYDAY=FR;BYMONTHDAY=13",
        exdate: "19970902T090000",
        expected: on("199802", [13]) + on("199803", [13]) + on("199811", [13]) + on("199908", [13])
            + on("200010", [13]),
        isOpenEnded: true),
    RFCExample(
        name: "The first Saturday that follows the first Sunday of the month, forever", start: "19970913T090000",
        rule: "FREQ=MONTHLY;BYDAY=SA;BYMONTHDAY=7,8,9,10,11,12,13",
        expected: on("199709", [13]) + on("199710", [11]) + on("199711", [8]) + on("199712", [13]) + on("199801", [10])
            + on("199802", [7]) + on("199803", [7]) + on("199804", [11]) + on("199805", [9]) + on("199806", [13]),
        isOpenEnded: true),
    RFCExample(
        name: "Every 4 years, the first Tuesday after a Monday in November (U.S. Presidential Election day)",
        start: "19961105T090000", rule: "FREQ=YEARLY;INTERVAL=4;BYMONTH=11;BYDAY=TU;BYMONTHDAY=2,3,4,5,6,7,8",
        expected: on("199611", [5]) + on("200011", [7]) + on("200411", [2]), isOpenEnded: true),
    RFCExample(
        name: "The third instance of Tuesday, Wednesday, or Thursday, for the next 3 months", start: "19970904T090000",
        rule: "FREQ=MONTHLY;COUNT=3;BYDAY=TU,WE,TH;BYSETPOS=3",
        expected: on("199709", [4]) + on("199710", [7]) + on("199711", [6])),
    RFCExample(
        name: "The second-to-last weekday of the month", start: "19970929T090000",
        rule: "FREQ=MONTHLY;BYDAY=MO,TU,WE,TH,FR;BYSETPOS=-2",
        expected: on("199709", [29]) + on("199710", [30]) + on("199711", [27]) + on("199712", [30])
            + on("199801", [29]) + on("199802", [26]) + on("199803", [30]),
        isOpenEnded: true),
    // The RFC's UNTIL=19970902T170000Z is 1:00 PM EDT, which ends the rule before its listed
    // 15:00; read literally it yields 09:00 and 12:00, and with UNTIL at 5:00 PM EDT the list.
    RFCExample(
        name: "Every 3 hours from 9:00 AM to 5:00 PM on a specific day (UNTIL as written)", start: "19970902T090000",
        rule: "FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T170000Z",
        expected: on("199709", [2], at: "0900") + on("199709", [2], at: "1200")),
    RFCExample(
        name: "Every 3 hours from 9:00 AM to 5:00 PM on a specific day (UNTIL at 5:00 PM EDT)",
        start: "19970902T090000", rule: "FREQ=HOURLY;INTERVAL=3;UNTIL=19970902T210000Z",
        expected: on("199709", [2], at: "0900") + on("199709", [2], at: "1200") + on("199709", [2], at: "1500")),
    RFCExample(
        name: "Every 15 minutes for 6 occurrences", start: "19970902T090000", rule: "FREQ=MINUTELY;INTERVAL=15;COUNT=6",
        expected: ["0900", "0915", "0930", "0945", "1000", "1015"].flatMap { on("199709", [2], at: $0) }),
    RFCExample(
        name: "Every hour and a half for 4 occurrences", start: "19970902T090000",
        rule: "FREQ=MINUTELY;INTERVAL=90;COUNT=4",
        expected: ["0900", "1030", "1200", "1330"].flatMap { on("199709", [2], at: $0) }),
    RFCExample(
        name: "Every 20 minutes from 9:00 AM to 4:40 PM every day (daily)", start: "19970902T090000",
        rule: "FREQ=DAILY;BYHOUR=9,10,11,12,13,14,15,16;BYMINUTE=0,20,40",
        expected: [2, 3].flatMap { day in everyTwentyMinutes.flatMap { on("199709", [day], at: $0) } },
        isOpenEnded: true, rangeDays: 3),
    RFCExample(
        name: "Every 20 minutes from 9:00 AM to 4:40 PM every day (minutely)", start: "19970902T090000",
        rule: "FREQ=MINUTELY;INTERVAL=20;BYHOUR=9,10,11,12,13,14,15,16",
        expected: [2, 3].flatMap { day in everyTwentyMinutes.flatMap { on("199709", [day], at: $0) } },
        isOpenEnded: true, rangeDays: 3),
    RFCExample(
        name: "WKST=MO: the generated days depend on the week start", start: "19970805T090000",
        rule: "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=MO",
        expected: on("199708", [5, 10, 19, 24])),
    RFCExample(
        name: "WKST=SU: changing only the week start yields other days", start: "19970805T090000",
        rule: "FREQ=WEEKLY;INTERVAL=2;COUNT=4;BYDAY=TU,SU;WKST=SU",
        expected: on("199708", [5, 17, 19, 31])),
    RFCExample(
        name: "An invalid date (February 30) is ignored", start: "20070115T090000",
        rule: "FREQ=MONTHLY;BYMONTHDAY=15,30;COUNT=5",
        expected: on("200701", [15, 30]) + on("200702", [15]) + on("200703", [15, 30])),
]

private let everyTwentyMinutes: [String] = (9...16).flatMap { hour in
    [0, 20, 40].map { minute in (hour < 10 ? "0\(hour)" : "\(hour)") + (minute == 0 ? "00" : "\(minute)") }
}

@Suite("RFC 5545 section 3.8.5.3 recurrence examples")
struct RFCRecurrenceExampleTests {
    @Test(arguments: rfcExamples)
    func expandsAsTheRFCLists(_ example: RFCExample) throws {
        // Given the RFC's VEVENT, in America/New_York as the RFC writes it
        var lines = ["BEGIN:VEVENT", "UID:rfc-example", "DTSTAMP:19970901T000000Z",
                     "DTSTART;TZID=America/New_York:\(example.start)", "DURATION:PT1H", "RRULE:\(example.rule)"]
        if let exdate = example.exdate { lines.append("EXDATE;TZID=America/New_York:\(exdate)") }
        lines.append("END:VEVENT")
        let document = try ICalendar.parse(calendar(lines), fileName: "rfc.ics")

        // When it is expanded from 1996 on
        let start = utc("1996-01-01T00:00:00Z")
        let range = DateInterval(start: start, duration: Double(example.rangeDays) * 86_400 + 700 * 86_400)
        let limited = example.rangeDays < 365
            ? DateInterval(start: utc("1997-09-02T00:00:00Z"), duration: Double(example.rangeDays) * 86_400 - 86_400)
            : range
        let instances = try document.expand(range: limited)

        // Then the wall-clock starts are the RFC's, in order
        let zone = try #require(TimeZone(identifier: "America/New_York"))
        let starts = instances.map { wallClock($0.start, in: zone) }
        if example.isOpenEnded {
            #expect(Array(starts.prefix(example.expected.count)) == example.expected)
        } else {
            #expect(starts == example.expected)
        }
        #expect(Set(instances.map(\.key)).count == instances.count)
    }
}
