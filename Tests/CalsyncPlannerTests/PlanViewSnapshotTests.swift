import CalsyncModel
import CalsyncPlanner
import CalsyncTesting
import Foundation
import Testing

/// Goldens of the three views of one representative plan, under `Snapshots/`.
@Suite struct PlanViewSnapshotTests {
    static func golden(_ name: String) -> String {
        RepositoryPaths.path("Tests/CalsyncPlannerTests/Snapshots/\(name)")
    }

    @Test func representativePlanHasTheSpecSummary() {
        #expect(
            summaryLine(RepresentativePlan.plan)
                == "Plan: 1 to create, 1 to update, 1 to authorize, 2 to sync, 1 webhook to register, 1 webhook to renew, 1 to disable, 1 to delete."
        )
    }

    @Test func text() {
        let text = PlanTextView.render(RepresentativePlan.plan, color: false)
        #expect(text.unicodeScalars.allSatisfy { $0.isASCII }, "text without colour is plain ASCII")
        #expect(!text.contains("\u{1B}"))
        #expect(Snapshot.mismatch(text, golden: Self.golden("plan-text.txt")) == nil)
    }

    @Test func coloredText() {
        let text = PlanTextView.render(RepresentativePlan.plan, color: true)
        #expect(text.contains("\u{1B}[31m-"))
        #expect(Snapshot.mismatch(text, golden: Self.golden("plan-text-color.txt")) == nil)
    }

    @Test func markdown() {
        let text = PlanMarkdownView.render(RepresentativePlan.plan)
        #expect(!text.contains("elided"))
        #expect(Snapshot.mismatch(text, golden: Self.golden("plan-markdown.txt")) == nil)
    }

    @Test func json() throws {
        let text = try PlanJSONView.render(RepresentativePlan.plan)
        #expect(Snapshot.mismatch(text, golden: Self.golden("plan-json.txt")) == nil)
    }

    @Test func emptyPlan() throws {
        let plan = Fixture.plan(DesiredState(), .empty)
        #expect(PlanTextView.render(plan, color: false) == "Plan: no changes.\n")
        #expect(PlanMarkdownView.render(plan) == "### Plan: no changes.\n")
    }

    @Test func planWithOnlyTenantLines() {
        let plan = Fixture.plan(DesiredState(tenants: [Fixture.tenantSpec("acme")]), .empty)
        #expect(
            PlanTextView.render(plan, color: false)
                == "Plan: no provider actions.\nTenants: 1 to create.\n\nacme\n  tenant acme: create\n")
    }
}

/// The summary line alone, as every view prints it first.
func summaryLine(_ plan: Plan) -> String {
    String(PlanTextView.render(plan, color: false).prefix { $0 != "\n" })
}
