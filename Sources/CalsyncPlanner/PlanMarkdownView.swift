import CalsyncModel

/// The plan as a pull-request comment: the summary, then one `<details>` block per tenant.
///
/// GitHub refuses comments over 65,536 characters, so the output stays under `limit` (60,000 by
/// default) for any plan: when the full rendering is too long, rows are taken from the head and the
/// tail of the plan and one line in the middle says how many were elided. The summary counts every
/// action, elided or not. Tables name providers, actions and fields only; no event data appears.
public enum PlanMarkdownView {
    /// The default size limit, in characters.
    public static let defaultLimit = 60_000

    /// Renders `plan` as GitHub-flavoured markdown shorter than `limit` characters.
    ///
    /// Length is counted in UTF-16 code units, which is never less than the number of characters.
    ///
    /// - Parameters:
    ///   - plan: The plan.
    ///   - limit: The exclusive upper bound on the output's length.
    public static func render(_ plan: Plan, limit: Int = defaultLimit) -> String {
        let rows = self.rows(plan)
        let full = document(plan, head: rows[...], tail: [], elided: 0)
        if full.utf16.count < limit { return full }
        // Keep as many rows as fit, half from the head and half from the tail.
        var low = 0
        var high = rows.count
        while low < high {
            let kept = (low + high + 1) / 2
            if elidedDocument(plan, rows, kept: kept).utf16.count < limit { low = kept } else { high = kept - 1 }
        }
        return elidedDocument(plan, rows, kept: low)
    }

    private static func elidedDocument(_ plan: Plan, _ rows: [Row], kept: Int) -> String {
        let head = (kept + 1) / 2
        let tail = kept - head
        return document(plan, head: rows[..<head], tail: rows[(rows.count - tail)...], elided: rows.count - kept)
    }

    /// One table row, and the block it belongs to.
    private struct Row {
        /// The tenant's name, or nil for the channels block.
        var group: String?
        var text: String
    }

    private static func rows(_ plan: Plan) -> [Row] {
        var rows: [Row] = []
        for group in PlanSummary.tenantGroups(plan) {
            if let change = group.change {
                rows.append(Row(group: group.tenant, text: objectRow("tenant", change)))
            }
            rows += group.actions.map { Row(group: group.tenant, text: actionRow($0)) }
        }
        rows += plan.channels.map { Row(group: nil, text: objectRow("channel", $0)) }
        return rows
    }

    private static func document(_ plan: Plan, head: ArraySlice<Row>, tail: ArraySlice<Row>, elided: Int) -> String {
        var counts: [String?: Int] = [:]
        for action in plan.actions { counts[action.tenant.rawValue, default: 0] += 1 }
        for change in plan.tenants { counts[change.name, default: 0] += 1 }
        counts[nil] = plan.channels.count

        var text = "### \(PlanSummary.line(plan))\n"
        for line in PlanSummary.objectLines(plan) { text += "\n\(line)\n" }
        text += blocks(head, counts)
        if elided > 0 {
            text +=
                "\n_… \(elided) \(elided == 1 ? "action" : "actions") elided; the full plan is in the JSON output._\n"
        }
        text += blocks(tail, counts)
        return text
    }

    private static func blocks(_ rows: ArraySlice<Row>, _ counts: [String?: Int]) -> String {
        var text = ""
        var start = rows.startIndex
        while start < rows.endIndex {
            let group = rows[start].group
            let end = rows[start...].firstIndex { $0.group != group } ?? rows.endIndex
            let count = counts[group] ?? 0
            let title = "\(group ?? "channels"): \(count) \(count == 1 ? "action" : "actions")"
            text += "\n<details><summary>\(title)</summary>\n\n"
            text += "| name | action | reason | details |\n|---|---|---|---|\n"
            text += rows[start..<end].map { $0.text + "\n" }.joined()
            text += "\n</details>\n"
            start = end
        }
        return text
    }

    private static func actionRow(_ action: PlannedAction) -> String {
        var details: [String] = []
        if action.action == .authorize { details.append("run `\(PlanSummary.authorizeCommand(action))`") }
        details += action.changes.map(change)
        if let radius = action.blastRadius { details.append("blast radius: " + PlanSummary.blastRadius(radius)) }
        if let refusal = action.refusal { details.append("refused: " + escape(refusal)) }
        details += action.drift.map {
            "drift: \($0.kind.rawValue): \(escape($0.detail)) (repair: \($0.repair.rawValue))"
        }
        let cells = [action.provider.rawValue, action.action.rawValue, action.reason.rawValue]
        return row(cells + [details.joined(separator: "<br>")])
    }

    private static func objectRow(_ noun: String, _ change: ObjectChange) -> String {
        row([
            "\(noun) \(escape(change.name))", change.change.rawValue, "",
            change.changes.map(self.change).joined(separator: "<br>"),
        ])
    }

    private static func row(_ cells: [String]) -> String {
        "|" + cells.map { $0.isEmpty ? " |" : " \($0) |" }.joined()
    }

    private static func change(_ change: FieldChange) -> String {
        "\(change.field): \(escape(change.from ?? "(none)")) → \(escape(change.to ?? "(none)"))"
    }

    /// Makes an operator's value safe inside a table cell: no HTML, no column breaks, no new lines.
    private static func escape(_ text: String) -> String {
        var escaped = ""
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "|": escaped += "\\|"
            case "\n", "\r", "\r\n": escaped += " "
            default: escaped.append(character)
            }
        }
        return escaped
    }
}
