import Testing
@testable import CalsyncICal
@Test func smoke() { #expect(Weekday(code: "MO") == .monday) }
