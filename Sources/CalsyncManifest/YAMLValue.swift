import CalsyncModel
import Yams

/// What a YAML node holds, as manifests see it: plain scalars are typed the YAML 1.1 way.
enum YAMLValueKind: Equatable {
    case string
    case integer
    case float
    case boolean
    case null
    case mapping
    case sequence

    /// How messages name this kind: "a string", "a list".
    var phrase: String {
        switch self {
        case .string: return "a string"
        case .integer: return "an integer"
        case .float: return "a number"
        case .boolean: return "a boolean"
        case .null: return "empty"
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        }
    }
}

extension Node {
    /// The kind of value, resolving plain scalars without regular expressions.
    var valueKind: YAMLValueKind {
        switch self {
        case .mapping: return .mapping
        case .sequence: return .sequence
        case .alias: return .null
        case .scalar(let scalar):
            switch scalar.tag.description {
            case Tag.Name.str.rawValue: return .string
            case Tag.Name.int.rawValue: return .integer
            case Tag.Name.float.rawValue: return .float
            case Tag.Name.bool.rawValue: return .boolean
            case Tag.Name.null.rawValue: return .null
            default: break
            }
            guard scalar.style == .plain else { return .string }
            return YAMLPlainScalar.kind(of: scalar.string)
        }
    }

    /// The 1-based location of the node in `file`.
    func location(in file: String) -> SourceLocation {
        guard let mark else { return .start(of: file) }
        return SourceLocation(file: file, line: mark.line, column: mark.column)
    }
}

/// Resolution of untagged plain scalars, following the YAML 1.1 types that Kubernetes users know.
enum YAMLPlainScalar {
    static func kind(of text: String) -> YAMLValueKind {
        switch text {
        case "", "~", "null", "Null", "NULL": return .null
        case "true", "True", "TRUE", "false", "False", "FALSE", "yes", "Yes", "YES", "no", "No", "NO",
            "on", "On", "ON", "off", "Off", "OFF", "y", "Y", "n", "N":
            return .boolean
        default: break
        }
        if integerValue(text) != nil { return .integer }
        if Double(text) != nil, text.contains(where: { $0.isNumber }),
            text.allSatisfy({ $0.isNumber || "+-.eE_".contains($0) })
        {
            return .float
        }
        if [".inf", ".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN", ".NAN"].contains(text) { return .float }
        return .string
    }

    /// Decimal integers with an optional sign and `_` separators.
    static func integerValue(_ text: String) -> Int? {
        var digits = Substring(text)
        var negative = false
        if let sign = digits.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        let cleaned = digits.filter { $0 != "_" }
        guard !cleaned.isEmpty, cleaned.allSatisfy({ $0.isASCII && $0.isNumber }), let value = Int(cleaned) else {
            return nil
        }
        return negative ? -value : value
    }

    static func booleanValue(_ text: String) -> Bool? {
        switch text {
        case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y": return true
        case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N": return false
        default: return nil
        }
    }
}
