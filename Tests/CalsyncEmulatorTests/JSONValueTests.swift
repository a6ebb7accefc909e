import CalsyncEmulator
import Foundation
import Testing

@Suite struct JSONValueTests {
    @Test func serializationRoundTripsAndSortsKeys() throws {
        let value: JSONValue = [
            "b": "quote \" backslash \\ newline \n tab \t bell \u{7} ünïcödé 📅 /slash",
            "a": [1, .double(2.5), .double(3), true, .null],
            "c": ["nested": ["x": -7]],
        ]
        let data = value.serialized()
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix("{\"a\":[1,2.5,3,true,null],\"b\":"))
        #expect(text.contains("\\u0007"))
        #expect(text.contains("/slash"))
        let parsed = try #require(JSONValue.parse(data))
        #expect(parsed["b"] == value["b"])
        #expect(parsed["c"] == value["c"])
        #expect(try JSONSerialization.jsonObject(with: data) is [String: Any])
    }

    @Test func patchSemanticsMergeObjectsAndRemoveNulls() {
        let base: JSONValue = ["summary": "A", "extendedProperties": ["private": ["x": "1", "y": "2"]], "location": "L"]
        let patch: JSONValue = ["extendedProperties": ["private": ["y": "3"]], "location": .null]
        #expect(base.merging(patch) == ["summary": "A", "extendedProperties": ["private": ["x": "1", "y": "3"]]])
    }
}
