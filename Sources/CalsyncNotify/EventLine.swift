import CalsyncModel
import CalsyncState

/// An outbox event as one JSON object: the line of `status/events.jsonl` and the body of a `webhook`
/// channel's POST, byte for byte.
///
/// Keys come in a fixed order, `{id, type, tenant, provider, at, message}`; `provider` is null for
/// an event about a whole tenant; `at` is RFC 3339 UTC to the second. Nothing else of the event is
/// written, and events never carry titles, descriptions or attendees.
package enum EventLine {
    /// The event as compact JSON, without a trailing newline.
    package static func render(_ entry: OutboxEntry) -> String {
        let event = entry.event
        return "{\"id\":\(entry.id),\"type\":\(quoted(event.type.rawValue)),\"tenant\":\(quoted(event.tenant.rawValue))"
            + ",\"provider\":\(event.provider.map { quoted($0.rawValue) } ?? "null"),\"at\":\(quoted(RFC3339.string(event.at)))"
            + ",\"message\":\(quoted(event.message))}"
    }

    /// `text` as a JSON string: quotes, backslashes and control characters escaped, nothing else.
    package static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case "\n": result += "\\n"
            case "\r": result += "\\r"
            case "\t": result += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                result +=
                    "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}
