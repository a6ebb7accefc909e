/// One unfolded iCalendar content line: `NAME;PARAM=VALUE,VALUE:VALUE`.
///
/// Covers RFC 5545 section 3.1: unfolding of continuation lines, parameters with quoted and
/// multiple values, and the TEXT escaping of section 3.3.11.
struct ContentLine: Sendable, Equatable {
    /// The property or component keyword, upper-cased (`DTSTART`, `BEGIN`).
    let name: String
    /// Parameters by upper-cased name, each with its values in order, quotes removed.
    let parameters: [String: [String]]
    /// The raw value after the first unquoted colon; TEXT values are still escaped.
    let value: String
    /// The 1-based physical line the content line starts on.
    let line: Int

    /// The first value of parameter `name`, if present.
    func parameter(_ name: String) -> String? {
        parameters[name]?.first
    }

    /// The value read as TEXT, with `\n`, `\,`, `\;` and `\\` unescaped.
    var text: String {
        Self.unescape(value)
    }
}

// MARK: - Reading

extension ContentLine {
    /// Unfolds `text` and parses every content line.
    ///
    /// Accepts CRLF or bare LF line ends. A line starting with a space or a tab continues the
    /// previous one (the first whitespace character is removed). Blank lines are skipped.
    ///
    /// - Parameters:
    ///   - text: The whole file.
    ///   - fileName: The name used in errors.
    /// - Returns: The content lines with the physical line each starts on.
    /// - Throws: `ICalError` for an empty file, control characters, or a malformed line.
    static func parseAll(_ text: String, fileName: String) throws(ICalError) -> [ContentLine] {
        var logical: [(text: String, line: Int)] = []
        var lineNumber = 0
        var sawContent = false
        for rawLine in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            var physical = rawLine
            if physical.last == "\r" {
                physical.removeLast()
            }
            if let bad = physical.first(where: isForbiddenControl) {
                throw ICalError(
                    fileName: fileName, line: lineNumber, code: .binaryData,
                    what: "control character U+\(hex(bad.value)) in the file",
                    why: "an iCalendar file is UTF-8 text",
                    fix: "Export the calendar again as a .ics text file")
            }
            guard let first = physical.first, !physical.allSatisfy({ $0 == " " || $0 == "\t" }) else { continue }
            sawContent = true
            if first == " " || first == "\t", !logical.isEmpty {
                logical[logical.count - 1].text.unicodeScalars.append(contentsOf: physical.dropFirst())
            } else {
                var owned = ""
                owned.unicodeScalars.append(contentsOf: physical)
                logical.append((owned, lineNumber))
            }
        }
        guard sawContent else {
            throw ICalError(
                fileName: fileName, line: 1, code: .emptyFile,
                what: "the file is empty",
                why: "an iCalendar file holds at least one VCALENDAR",
                fix: "Check that the right file was given")
        }
        var lines: [ContentLine] = []
        lines.reserveCapacity(logical.count)
        for entry in logical {
            do {
                lines.append(try parse(entry.text, line: entry.line))
            } catch {
                throw error.located(fileName: fileName, line: entry.line)
            }
        }
        return lines
    }

    /// Parses one unfolded line.
    ///
    /// Works on UTF-8 code units: every delimiter is ASCII, so each split falls on a scalar
    /// boundary.
    static func parse(_ text: String, line: Int) throws(ValueProblem) -> ContentLine {
        let bytes = text.utf8
        var index = bytes.startIndex
        let name = readName(text, &index)
        guard !name.isEmpty else {
            throw malformed(text, why: "a content line starts with a property name")
        }
        var parameters: [String: [String]] = [:]
        while index < bytes.endIndex, bytes[index] == UInt8(ascii: ";") {
            bytes.formIndex(after: &index)
            let parameterName = readName(text, &index)
            guard !parameterName.isEmpty, index < bytes.endIndex, bytes[index] == UInt8(ascii: "=") else {
                throw malformed(text, why: "a parameter is written NAME=VALUE")
            }
            bytes.formIndex(after: &index)
            var values: [String] = []
            repeat {
                if index < bytes.endIndex, bytes[index] == UInt8(ascii: ",") { bytes.formIndex(after: &index) }
                values.append(try readParameterValue(text, &index))
            } while index < bytes.endIndex && bytes[index] == UInt8(ascii: ",")
            parameters[parameterName.uppercased(), default: []].append(contentsOf: values)
        }
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: ":") else {
            throw malformed(text, why: "a content line is NAME[;PARAM=VALUE]:VALUE")
        }
        let value = String(text[bytes.index(after: index)...])
        return ContentLine(name: name.uppercased(), parameters: parameters, value: value, line: line)
    }

    private static func readName(_ text: String, _ index: inout String.Index) -> String {
        let bytes = text.utf8
        let start = index
        while index < bytes.endIndex, isNameByte(bytes[index]) {
            bytes.formIndex(after: &index)
        }
        return String(text[start..<index])
    }

    private static func readParameterValue(_ text: String, _ index: inout String.Index) throws(ValueProblem) -> String {
        let bytes = text.utf8
        guard index < bytes.endIndex, bytes[index] == UInt8(ascii: "\"") else {
            let start = index
            let delimiters: [UInt8] = [UInt8(ascii: ";"), UInt8(ascii: ":"), UInt8(ascii: ",")]
            while index < bytes.endIndex, !delimiters.contains(bytes[index]) {
                bytes.formIndex(after: &index)
            }
            return String(text[start..<index])
        }
        bytes.formIndex(after: &index)
        let start = index
        while index < bytes.endIndex, bytes[index] != UInt8(ascii: "\"") {
            bytes.formIndex(after: &index)
        }
        guard index < bytes.endIndex else {
            throw malformed(text, why: "a quoted parameter value ends with a double quote")
        }
        let value = String(text[start..<index])
        bytes.formIndex(after: &index)
        return value
    }

    private static func isNameByte(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "-") || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
            || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    }

    private static func isForbiddenControl(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t" && scalar != "\r") || scalar.value == 0x7F
    }

    private static func malformed(_ line: String, why: String) -> ValueProblem {
        ValueProblem(
            code: .malformedLine, what: "malformed content line \"\(line.prefix(60))\"", why: why,
            fix: "Write the line as NAME[;PARAM=VALUE]:VALUE")
    }

    private static func hex(_ value: UInt32) -> String {
        let digits = String(value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }
}

// MARK: - TEXT escaping

extension ContentLine {
    /// Reads a TEXT value: `\n` or `\N` is a line break, `\,` `\;` `\\` are literal.
    ///
    /// An unknown escape keeps the escaped character, as most readers do.
    static func unescape(_ value: String) -> String {
        guard value.contains("\\") else { return value }
        var result = String.UnicodeScalarView()
        var escaping = false
        for scalar in value.unicodeScalars {
            if escaping {
                result.append(scalar == "n" || scalar == "N" ? "\n" : scalar)
                escaping = false
            } else if scalar == "\\" {
                escaping = true
            } else {
                result.append(scalar)
            }
        }
        if escaping { result.append("\\") }
        return String(result)
    }

    /// Writes a TEXT value: backslash, semicolon, comma and line breaks are escaped.
    static func escape(_ value: String) -> String {
        var result = String.UnicodeScalarView()
        var previousWasCR = false
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": result.append(contentsOf: "\\\\".unicodeScalars)
            case ";": result.append(contentsOf: "\\;".unicodeScalars)
            case ",": result.append(contentsOf: "\\,".unicodeScalars)
            case "\r": result.append(contentsOf: "\\n".unicodeScalars)
            case "\n":
                if !previousWasCR { result.append(contentsOf: "\\n".unicodeScalars) }
            default: result.append(scalar)
            }
            previousWasCR = scalar == "\r"
        }
        return String(result)
    }

    /// Quotes a parameter value when it holds `:`, `;` or `,`.
    static func quoteParameter(_ value: String) -> String {
        value.contains(where: { $0 == ":" || $0 == ";" || $0 == "," }) ? "\"\(value)\"" : value
    }
}

// MARK: - Folding

extension ContentLine {
    /// Folds one logical line into physical lines of at most 75 octets, each ending in CRLF.
    ///
    /// Continuation lines start with a space, which counts toward their 75 octets. Lines are
    /// only broken between Unicode scalars, so no UTF-8 sequence is split.
    static func fold(_ line: String, into output: inout String) {
        guard line.utf8.count > 75 else {
            output += line
            output += "\r\n"
            return
        }
        var width = 0
        for scalar in line.unicodeScalars {
            let size = UTF8.width(scalar)
            if width + size > 75 {
                output.append("\r\n ")
                width = 1
            }
            output.unicodeScalars.append(scalar)
            width += size
        }
        output.append("\r\n")
    }
}
