import CalsyncModel
import Foundation
import Testing

@Suite struct EntryIDTests {
    @Test func randomIdsAreVersion4UUIDsInLowerCase() {
        let ids = (0..<1_000).map { _ in EntryID.random().rawValue }
        // Each parses as a UUID, prints back the same in lower case, and carries version 4 and the RFC variant
        for id in ids.prefix(50) {
            let parsed = UUID(uuidString: id)
            #expect(parsed?.uuidString.lowercased() == id)
            #expect(Array(id)[14] == "4")
            #expect("89ab".contains(Array(id)[19]))
        }
        // And a thousand are a thousand different ids
        #expect(Set(ids).count == ids.count)
    }
}
