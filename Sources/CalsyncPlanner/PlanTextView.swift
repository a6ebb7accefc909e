import CalsyncModel

/// The plan for a person at a terminal or in a CI log: summary first, then a table grouped by tenant.
///
/// With `color` (a terminal without `NO_COLOR`) each line starts with the action's symbol and is coloured,
/// and field changes use `→`. Without it the output is plain ASCII apart from the operator's own values:
/// no symbols, no escape codes, `->` for changes; the action word carries the meaning alone.
public enum PlanTextView {
    /// Renders `plan`; the text ends with a newline.
    ///
    /// - Parameters:
    ///   - plan: The plan.
    ///   - color: Whether to use symbols and ANSI colour.
    public static func render(_ plan: Plan, color: Bool) -> String {
        let style = Style(color: color)
        var lines = [style.bold(PlanSummary.line(plan))] + PlanSummary.objectLines(plan)
        let providerWidth = plan.actions.map(\.provider.rawValue.count).max() ?? 0
        let actionWidth = plan.actions.map(\.action.rawValue.count).max() ?? 0

        for group in PlanSummary.tenantGroups(plan) {
            lines += ["", style.bold(group.tenant)]
            if let change = group.change { lines += objectLines("tenant", change, style) }
            for (index, action) in group.actions.enumerated() {
                let columns = [
                    pad(action.provider.rawValue, providerWidth), pad(action.action.rawValue, actionWidth),
                    action.reason.rawValue,
                ]
                var line =
                    "  " + style.symbol(action.action) + style.paint(columns.joined(separator: "  "), action.action)
                if action.action == .authorize { line += "  run: " + PlanSummary.authorizeCommand(action) }
                lines.append(line)
                lines += action.changes.map { "      " + style.change($0) }
                if let radius = action.blastRadius {
                    lines.append("      blast radius: " + PlanSummary.blastRadius(radius))
                }
                if let refusal = action.refusal { lines.append("      refused: " + refusal) }
                let isLastOfProvider = index + 1 == group.actions.count || group.actions[index + 1].ref != action.ref
                if isLastOfProvider {
                    lines += action.drift.map {
                        "      drift: \($0.kind.rawValue): \($0.detail) (repair: \($0.repair.rawValue))"
                    }
                }
            }
        }
        if !plan.channels.isEmpty {
            lines += ["", style.bold("channels")]
            for change in plan.channels { lines += objectLines("channel", change, style) }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func objectLines(_ noun: String, _ change: ObjectChange, _ style: Style) -> [String] {
        let headline = style.paint("\(noun) \(change.name): \(change.change.rawValue)", change.change)
        return ["  " + style.symbol(change.change) + headline] + change.changes.map { "      " + style.change($0) }
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }

    /// Symbols and ANSI colour, or nothing at all.
    private struct Style {
        var color: Bool

        func bold(_ text: String) -> String { color ? "\u{1B}[1m\(text)\u{1B}[0m" : text }

        func symbol(_ kind: ActionKind) -> String {
            color ? paint(kind.symbol, kind) + String(repeating: " ", count: max(1, 3 - kind.symbol.count)) : ""
        }

        func symbol(_ change: ObjectChange.Change) -> String {
            color ? paint(Self.symbols[change] ?? "", change) + "  " : ""
        }

        func paint(_ text: String, _ kind: ActionKind) -> String {
            guard color else { return text }
            switch kind {
            case .create, .registerWebhook: return "\u{1B}[32m\(text)\u{1B}[0m"
            case .update, .renewWebhook, .disable: return "\u{1B}[33m\(text)\u{1B}[0m"
            case .authorize: return "\u{1B}[35m\(text)\u{1B}[0m"
            case .sync: return "\u{1B}[36m\(text)\u{1B}[0m"
            case .delete: return "\u{1B}[31m\(text)\u{1B}[0m"
            }
        }

        func paint(_ text: String, _ change: ObjectChange.Change) -> String {
            switch change {
            case .create: return paint(text, ActionKind.create)
            case .update: return paint(text, ActionKind.update)
            case .delete: return paint(text, ActionKind.delete)
            }
        }

        func change(_ change: FieldChange) -> String {
            let arrow = color ? "→" : "->"
            return "\(change.field): \(change.from ?? "(none)") \(arrow) \(change.to ?? "(none)")"
        }

        private static let symbols: [ObjectChange.Change: String] = [.create: "+", .update: "~", .delete: "-"]
    }
}
