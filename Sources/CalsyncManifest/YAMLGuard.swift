import CalsyncModel

/// A lexical check run before the YAML parser, so hostile input fails fast with a located error.
///
/// The parser builds its tree recursively and hashes mapping keys whole, so two inputs could make it
/// overflow the stack or run for ever: nesting thousands of levels deep, and complex keys that expand
/// aliases exponentially. This scan over-estimates nesting (it counts brackets even inside quotes and
/// every block indicator on a line), so it may refuse a pathological but valid file, never pass a
/// dangerous one. Manifests nest a handful of levels and use plain string keys.
package enum YAMLGuard {
    /// The deepest nesting the estimate may reach.
    package static let maxDepth = 100

    /// Returns the first problem found, or nil when the text is safe to parse.
    package static func check(_ text: String, file: String) -> Diagnostic? {
        var flowDepth = 0
        var indentStack: [Int] = []
        var sawAlias: SourceLocation?
        var sawComplexKey: SourceLocation?
        var lineNumber = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let scalars = Array(line.unicodeScalars)
            var indent = 0
            while indent < scalars.count, scalars[indent] == " " { indent += 1 }
            let isBlank = indent == scalars.count || scalars[indent] == "#" || scalars[indent] == "\r"
            if !isBlank, flowDepth == 0 {
                while let top = indentStack.last, top >= indent { indentStack.removeLast() }
                indentStack.append(indent)
            }
            var compact = 0
            var column = indent
            var previous: Unicode.Scalar = " "
            while column < scalars.count {
                let scalar = scalars[column]
                let next: Unicode.Scalar = column + 1 < scalars.count ? scalars[column + 1] : " "
                let atTokenStart = previous == " " || previous == "\t" || previous == "[" || previous == "{"
                    || previous == ","
                let location = SourceLocation(file: file, line: lineNumber, column: column + 1)
                switch scalar {
                case "#" where atTokenStart:
                    column = scalars.count
                    continue
                case "[", "{":
                    flowDepth += 1
                case "]", "}":
                    flowDepth = max(0, flowDepth - 1)
                    var lookahead = column + 1
                    while lookahead < scalars.count, scalars[lookahead] == " " { lookahead += 1 }
                    if lookahead < scalars.count, scalars[lookahead] == ":" { sawComplexKey = sawComplexKey ?? location }
                case "-" where atTokenStart && (next == " " || next == "\t" || next == "\r"):
                    compact += 1
                case "?" where atTokenStart && (next == " " || next == "\t" || next == "\r"):
                    compact += 1
                    sawComplexKey = sawComplexKey ?? location
                case ":" where next == " " || next == "\t" || next == "\r" || column + 1 == scalars.count:
                    compact += 1
                case "*" where atTokenStart:
                    sawAlias = sawAlias ?? location
                default:
                    break
                }
                if 2 * indentStack.count + compact + flowDepth > maxDepth {
                    return Diagnostic(
                        .tooComplex, at: location, what: "YAML nested too deeply",
                        why: "manifests may nest at most \(maxDepth) levels",
                        fix: "Flatten the document; calsync manifests need only a few levels")
                }
                previous = scalar
                column += 1
            }
        }
        if let complexKey = sawComplexKey, sawAlias != nil {
            return Diagnostic(
                .tooComplex, at: complexKey, what: "complex mapping key in a file that uses aliases",
                why: "aliases inside keys can expand exponentially, and manifest keys are plain strings",
                fix: "Write mapping keys as plain strings")
        }
        return nil
    }
}
