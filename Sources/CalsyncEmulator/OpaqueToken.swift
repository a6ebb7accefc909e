import Foundation

/// Encodes cursor state (page tokens, sync tokens, skip and delta tokens) as opaque base64url text.
enum OpaqueToken {
    /// Encodes `value` with a short prefix.
    static func encode<T: Encodable>(_ value: T, prefix: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = (try? encoder.encode(value)) ?? Data()
        let text = data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return prefix + text
    }

    /// Decodes a token made by ``encode(_:prefix:)``; `nil` when it is not one.
    static func decode<T: Decodable>(_ type: T.Type, from token: String, prefix: String) -> T? {
        guard token.hasPrefix(prefix) else { return nil }
        var text = String(token.dropFirst(prefix.count))
            .replacingOccurrences(of: "-", with: "+")
            .replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text) else { return nil }
        return try? JSONDecoder().decode(type, from: data)
    }
}
