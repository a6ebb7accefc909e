import Foundation

/// A JSON document a client sent, read with its types intact (a `1` is never `true`).
enum JSONInput: Sendable, Hashable, Decodable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONInput])
    case object([String: JSONInput])

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let items = try? container.decode([JSONInput].self) {
            self = .array(items)
        } else {
            self = .object(try container.decode([String: JSONInput].self))
        }
    }

    /// Parses `data`; nil when it is not JSON.
    static func parse(_ data: Data) -> JSONInput? { try? JSONDecoder().decode(JSONInput.self, from: data) }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var objectValue: [String: JSONInput]? {
        if case .object(let members) = self { return members }
        return nil
    }

    var arrayValue: [JSONInput]? {
        if case .array(let items) = self { return items }
        return nil
    }
}
