import CalsyncModel
import CalsyncPlanner
import Foundation
import Testing

/// A plan of `count` actions spread over tenants, built directly.
private func largePlan(_ count: Int) -> Plan {
    let kinds: [(ActionKind, ActionReason)] = [
        (.create, .new), (.update, .specChanged), (.authorize, .neverAuthorized), (.sync, .intervalElapsed),
        (.delete, .removedFromManifests),
    ]
    let actions = (0..<count).map { index -> PlannedAction in
        let (kind, reason) = kinds[index % kinds.count]
        return PlannedAction(
            tenant: Fixture.tenant(String(format: "tenant-%03d", index / 100)),
            provider: ProviderName(rawValue: String(format: "provider-%05d", index))!, action: kind, reason: reason,
            changes: kind == .update ? [FieldChange(field: "syncInterval", from: "15m", to: "30m")] : [],
            blastRadius: kind == .delete
                ? BlastRadius(webhooks: 1, mappings: 9, entriesKept: 4, vendorEventsKept: 9) : nil)
    }
    return Plan(stateSerial: 1, manifestDigest: "", createdAt: Fixture.now, actions: actions, desired: DesiredState())
}

@Test func markdownOfAHugePlanStaysUnderTheLimitKeepingHeadAndTail() {
    // Given 20,000 actions
    let plan = largePlan(20_000)

    // When rendering for a pull request
    let text = PlanMarkdownView.render(plan)

    // Then under 60,000 characters, with the summary, the first and last actions and the elided count
    #expect(text.utf16.count < 60_000)
    #expect(
        text.hasPrefix("### Plan: 4000 to create, 4000 to update, 4000 to authorize, 4000 to sync, 4000 to delete."))
    #expect(text.contains("| provider-00000 | create | new |"))
    #expect(text.contains("| provider-19999 | delete | removed_from_manifests |"))
    let elided = text.split(separator: "\n").first { $0.contains("elided") }
    #expect(elided != nil)
    let shown = text.split(separator: "\n").count { $0.hasPrefix("| provider-") }
    #expect(elided?.contains("\(20_000 - shown) actions elided") == true)
    #expect(shown > 100, "the budget is used, not wasted")
    #expect(text.hasSuffix("</details>\n"))
}

@Test(arguments: [0, 1, 50, 400, 2_000, 20_000])
func markdownIsUnderAnyLimit(_ count: Int) {
    let plan = largePlan(count)
    for limit in [2_000, 10_000, 60_000] {
        let text = PlanMarkdownView.render(plan, limit: limit)
        #expect(text.utf16.count < limit, "\(count) actions, limit \(limit)")
    }
}

@Test func markdownKeepsOperatorValuesInsideTheirCells() {
    // Given a tenant update whose display name holds markdown and HTML
    var renamed = Fixture.tenantSpec("acme")
    renamed.displayName = "A | B <script>\nnew line"
    let plan = Fixture.plan(
        DesiredState(tenants: [renamed]), StateSnapshot(tenants: [TenantState(applied: Fixture.tenantSpec("acme"))]))

    // When rendering
    let text = PlanMarkdownView.render(plan)

    // Then the value is escaped on one line
    #expect(text.contains("displayName: acme → A \\| B &lt;script&gt; new line |"))
}
