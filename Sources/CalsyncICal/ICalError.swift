/// A reason an iCalendar file was refused, located at a physical line of the file.
///
/// Import is all or nothing: any `ICalError` means no event of the file is used. The error
/// renders as `FILE:LINE: error: WHAT (WHY). FIX`, the house format for located diagnostics.
public struct ICalError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable identity of the rule that was broken, for tests and documentation.
    public enum Code: String, Sendable, Equatable, CaseIterable {
        /// The file holds no content at all.
        case emptyFile = "empty_file"
        /// The file holds bytes that are not UTF-8 text, or control characters.
        case binaryData = "binary_data"
        /// A line is not `NAME[;PARAM=VALUE]:VALUE`.
        case malformedLine = "malformed_line"
        /// The file has no `BEGIN:VCALENDAR` component.
        case missingCalendar = "missing_calendar"
        /// A `BEGIN` has no matching `END`, or content sits outside any component.
        case unterminatedComponent = "unterminated_component"
        /// An `END` names a different component than the open `BEGIN`.
        case mismatchedEnd = "mismatched_end"
        /// A required property (`UID`, `DTSTART`) is absent.
        case missingProperty = "missing_property"
        /// A property appears more than once where the RFC allows one.
        case duplicateProperty = "duplicate_property"
        /// A date, date-time, duration, period or integer value cannot be read.
        case badValue = "bad_value"
        /// A `TZID` names no known zone and the file defines no usable `VTIMEZONE` for it.
        case unknownTimeZone = "unknown_time_zone"
        /// An `RRULE` part is missing, unknown, out of range or not allowed with its `FREQ`.
        case badRecurrenceRule = "bad_recurrence_rule"
        /// `DTEND` (or the duration) ends before `DTSTART`.
        case endBeforeStart = "end_before_start"
        /// A feature the importer refuses rather than misread, such as `RANGE=THISANDFUTURE`.
        case unsupported = "unsupported"
        /// A recurrence produces too many instances or needs too many steps to expand.
        case runawayRecurrence = "runaway_recurrence"
    }

    /// The file name as given by the caller, used verbatim in the rendering.
    public let fileName: String
    /// The 1-based physical line the problem starts on.
    public let line: Int
    /// Which rule was broken.
    public let code: Code
    /// What is wrong, quoting the offending value.
    public let what: String
    /// The rule that it breaks.
    public let why: String
    /// An instruction that fixes it.
    public let fix: String

    /// Creates an error located at `line` of `fileName`.
    public init(fileName: String, line: Int, code: Code, what: String, why: String, fix: String) {
        self.fileName = fileName
        self.line = line
        self.code = code
        self.what = what
        self.why = why
        self.fix = fix
    }

    /// Whether trying the same import again could succeed: never, the file itself must change.
    public var isRetryable: Bool { false }

    /// The error as `FILE:LINE: error: WHAT (WHY). FIX`.
    public var description: String {
        "\(fileName):\(line): error: \(what) (\(why)). \(fix)"
    }
}
