import CalsyncModel
import CalsyncPlanner
import Foundation
import Testing

@Test func jsonRoundTripsExactly() throws {
    // Given the representative plan
    let plan = RepresentativePlan.plan

    // When rendered and read back
    let decoded = try PlanJSONView.decode(Data(try PlanJSONView.render(plan).utf8))

    // Then it is the same plan
    #expect(decoded == plan)
}

@Test func jsonHasTheSpecFields() throws {
    // Given the representative plan as JSON
    let text = try PlanJSONView.render(RepresentativePlan.plan)
    let object = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]

    // Then the top-level and action keys are the spec's, with an ISO 8601 date
    #expect(
        Set(object?.keys.map { $0 } ?? [])
            == [
                "formatVersion", "stateSerial", "manifestDigest", "createdAt", "actions", "tenants", "channels",
                "desired",
            ])
    #expect(object?["createdAt"] as? String == "2026-11-24T10:00:00Z")
    #expect(object?["stateSerial"] as? Int == 17)
    #expect(object?["formatVersion"] as? Int == 1)
    let actions = object?["actions"] as? [[String: Any]] ?? []
    let delete = actions.first { $0["action"] as? String == "delete" }
    #expect(
        Set(delete?.keys.map { $0 } ?? []) == [
            "tenant", "provider", "action", "reason", "changes", "blastRadius", "drift",
        ])
    let update = actions.first { $0["action"] as? String == "update" }
    let changes = update?["changes"] as? [[String: Any]]
    #expect(changes?.first?["field"] as? String == "enabled")
    #expect(changes?.first?["from"] as? String == "true")
    #expect(changes?.first?["to"] as? String == "false")
}

@Test func jsonRefusesWhatIsNotAPlan() {
    #expect(throws: (any Error).self) { try PlanJSONView.decode(Data("{\"formatVersion\": 1}".utf8)) }
    #expect(throws: (any Error).self) { try PlanJSONView.decode(Data("not json".utf8)) }
}
