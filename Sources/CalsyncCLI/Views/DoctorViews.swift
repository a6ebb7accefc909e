import CalsyncModel
import Foundation

/// `calsync doctor`: one line per check, `OK`, `WARN` or `FAIL`, then an indented `fix:` line for
/// each that is not OK, then the counts.
enum DoctorText {
    static func render(_ checks: [DoctorCheck], color: Bool) -> String {
        var lines: [String] = []
        for check in checks {
            lines.append("\(label(check.level, color: color)) \(check.item.title): \(check.detail)")
            if let fix = check.fix { lines.append("     fix: \(fix)") }
        }
        let counts = DoctorCheck.Level.allCases.map { level in
            "\(checks.filter { $0.level == level }.count) \(level.label.trimmingCharacters(in: .whitespaces))"
        }
        lines.append("")
        lines.append("Doctor: " + counts.joined(separator: ", ") + ".")
        return lines.joined(separator: "\n")
    }

    private static func label(_ level: DoctorCheck.Level, color: Bool) -> String {
        guard color else { return level.label }
        switch level {
        case .ok: return "\u{1B}[32m\(level.label)\u{1B}[0m"
        case .warn: return "\u{1B}[33m\(level.label)\u{1B}[0m"
        case .fail: return "\u{1B}[31m\(level.label)\u{1B}[0m"
        }
    }
}

/// `calsync doctor -o json`: `{"checks": [{"check", "level", "detail", "fix"}]}`, in checklist order.
enum DoctorJSON {
    static func render(_ checks: [DoctorCheck]) -> String {
        JSONValue.object([
            (
                "checks",
                .array(
                    checks.map { check in
                        .object([
                            ("check", .string(check.item.rawValue)), ("level", .string(check.level.rawValue)),
                            ("detail", .string(check.detail)), ("fix", check.fix.map(JSONValue.string) ?? .null),
                        ])
                    })
            )
        ]).rendered()
    }
}
