import CalsyncModel
import Yams

/// The known fields of one mapping, with typed readers that report what is wrong and where.
struct Fields {
    let context: DecodeContext
    let node: Node
    /// Dotted path of the mapping in its document, e.g. `spec.window`.
    let path: String
    /// The object the mapping belongs to, for messages: `provider "acme/google-main"`.
    let owner: String
    let entries: [String: (key: Node, value: Node)]

    var location: SourceLocation { node.location(in: context.file) }

    func has(_ key: String) -> Bool { entries[key] != nil }

    func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    /// The value node of `key`, reporting it missing when `required`; an empty value counts as absent.
    func value(_ key: String, required: Bool, example: String) -> Node? {
        if let entry = entries[key], entry.value.valueKind != .null { return entry.value }
        if required {
            let where_ = entries[key]?.key.location(in: context.file) ?? location
            context.report(
                Diagnostic(
                    .missingField, at: where_, what: "\(owner) has no \(fieldPath(key))",
                    why: "\(fieldPath(key)) is required", fix: "Add `\(key): \(example)` to \(path.isEmpty ? "the document" : path)"))
        }
        return nil
    }

    private func wrongType(_ node: Node, _ key: String, expected: YAMLValueKind, fix: String) {
        context.report(
            Diagnostic(
                .wrongType, at: node.location(in: context.file),
                what: "\(fieldPath(key)) of \(owner) is \(node.valueKind.phrase)",
                why: "\(fieldPath(key)) must be \(expected.phrase)", fix: fix))
    }

    func string(_ key: String, required: Bool = false, example: String = "VALUE") -> Located<String>? {
        guard let node = value(key, required: required, example: example), context.visit(node) else { return nil }
        guard case .scalar(let scalar) = node, node.valueKind == .string else {
            let fix = node.valueKind == .mapping || node.valueKind == .sequence
                ? "Write a single value" : "Quote the value: `\(key): \"\(node.scalar?.string ?? "")\"`"
            wrongType(node, key, expected: .string, fix: fix)
            return nil
        }
        return Located(value: scalar.string, location: node.location(in: context.file))
    }

    /// A string that must not be empty and must be at most `maxLength` characters.
    func text(_ key: String, required: Bool = false, maxLength: Int = 200, example: String = "VALUE")
        -> Located<String>?
    {
        guard let located = string(key, required: required, example: example) else { return nil }
        guard (1...maxLength).contains(located.value.count) else {
            context.report(
                Diagnostic(
                    .outOfRange, at: located.location,
                    what: "\(fieldPath(key)) of \(owner) is \(located.value.count) characters long",
                    why: "\(fieldPath(key)) must be 1 to \(maxLength) characters",
                    fix: located.value.isEmpty ? "Write at least 1 character, or remove the field" : "Shorten it to at most \(maxLength) characters"))
            return nil
        }
        return located
    }

    func bool(_ key: String) -> Located<Bool>? {
        guard let node = value(key, required: false, example: "true"), context.visit(node) else { return nil }
        guard case .scalar(let scalar) = node, node.valueKind == .boolean,
            let value = YAMLPlainScalar.booleanValue(scalar.string)
        else {
            wrongType(node, key, expected: .boolean, fix: "Write true or false")
            return nil
        }
        return Located(value: value, location: node.location(in: context.file))
    }

    func integer(_ key: String, in range: ClosedRange<Int>) -> Located<Int>? {
        guard let node = value(key, required: false, example: "\(range.lowerBound)"), context.visit(node) else {
            return nil
        }
        guard case .scalar(let scalar) = node, node.valueKind == .integer,
            let value = YAMLPlainScalar.integerValue(scalar.string)
        else {
            wrongType(node, key, expected: .integer, fix: "Write a whole number from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        let located = Located(value: value, location: node.location(in: context.file))
        return within(range, located, key, shown: "\(value)", noun: "a value")
    }

    func duration(_ key: String, in range: ClosedRange<SpecDuration>? = nil, allowSign: Bool = false)
        -> Located<SpecDuration>?
    {
        guard let located = string(key, example: "15m") else { return nil }
        guard let duration = SpecDuration(parsing: located.value, allowSign: allowSign) else {
            context.report(
                Diagnostic(
                    .invalidValue, at: located.location,
                    what: "\(fieldPath(key)) \"\(located.value)\" of \(owner) is not a duration",
                    why: "durations are numbers with the units s, m, h or d, such as 90s, 15m, 1h30m, 7d",
                    fix: "Write a duration such as 15m"))
            return nil
        }
        let parsed = Located(value: duration, location: located.location)
        guard let range else { return parsed }
        return within(range, parsed, key, shown: "\"\(located.value)\"", noun: "a duration")
    }

    /// `value` when it lies in `range`; otherwise nil, after reporting it out of range.
    private func within<Value: Comparable & CustomStringConvertible>(
        _ range: ClosedRange<Value>, _ value: Located<Value>, _ key: String, shown: String, noun: String
    ) -> Located<Value>? {
        guard !range.contains(value.value) else { return value }
        context.report(
            Diagnostic(
                .outOfRange, at: value.location, what: "\(fieldPath(key)) \(shown) of \(owner) is out of range",
                why: "\(fieldPath(key)) must be from \(range.lowerBound) to \(range.upperBound)",
                fix: "Choose \(noun) from \(range.lowerBound) to \(range.upperBound)"))
        return nil
    }

    func choice<Choice: RawRepresentable & CaseIterable>(
        _ key: String, _ type: Choice.Type, noun: String, required: Bool = false
    ) -> Located<Choice>? where Choice.RawValue == String {
        let allowed = Choice.allCases.map(\.rawValue)
        guard let located = string(key, required: required, example: allowed[0]) else { return nil }
        guard let value = Choice(rawValue: located.value) else {
            context.report(
                Diagnostic(
                    .invalidValue, at: located.location,
                    what: "\(fieldPath(key)) \"\(located.value)\" of \(owner) is not a known \(noun)",
                    why: "\(fieldPath(key)) is one of \(allowed.joined(separator: ", "))",
                    fix: "Use one of: \(allowed.joined(separator: ", "))"))
            return nil
        }
        return Located(value: value, location: located.location)
    }

    /// A URL with an `http` or `https` scheme and a host; `loopbackOnly` also requires 127.0.0.1, ::1 or localhost.
    func url(_ key: String, required: Bool = false, loopbackOnly: Bool = false) -> Located<String>? {
        let example = loopbackOnly ? "http://127.0.0.1:8765/oauth/callback" : "https://calsync.example.com/path"
        guard let located = string(key, required: required, example: example) else { return nil }
        let parsed = URLParts(located.value)
        let ok: Bool
        if loopbackOnly {
            ok = parsed?.scheme == "http" && ["127.0.0.1", "localhost", "[::1]"].contains(parsed?.host ?? "")
        } else {
            ok = parsed != nil
        }
        guard ok else {
            context.report(
                Diagnostic(
                    .invalidValue, at: located.location,
                    what: "\(fieldPath(key)) \"\(located.value)\" of \(owner) is not \(loopbackOnly ? "a loopback URL" : "an http(s) URL")",
                    why: loopbackOnly
                        ? "`calsync authorize` listens for the redirect on this machine's loopback interface"
                        : "\(fieldPath(key)) must be an absolute http or https URL",
                    fix: "Write a URL such as \(example)"))
            return nil
        }
        return located
    }

    /// A secret reference, `{ env: NAME }` or `{ file: PATH }`; a literal string is refused without being echoed.
    func secret(_ key: String, required: Bool = false) -> Located<SecretRef>? {
        guard let node = value(key, required: required, example: "{ env: NAME }"), context.visit(node) else {
            return nil
        }
        let location = node.location(in: context.file)
        if case .scalar = node {
            context.report(
                Diagnostic(
                    .literalSecret, at: location, what: "\(fieldPath(key)) of \(owner) is written as a literal",
                    why: "secrets must not live in manifests", fix: "Use { env: NAME } or { file: PATH }"))
            return nil
        }
        guard let fields = context.fields(of: node, path: fieldPath(key), owner: owner, known: ["env", "file"]) else {
            return nil
        }
        let env = fields.string("env")
        let file = fields.string("file")
        switch (env, file) {
        case (let env?, nil):
            guard isEnvironmentName(env.value) else {
                context.report(
                    Diagnostic(
                        .invalidValue, at: env.location,
                        what: "\(fieldPath(key)).env \"\(env.value)\" of \(owner) is not an environment variable name",
                        why: "names are letters, digits and '_', not starting with a digit",
                        fix: "Use a name such as ACME_GOOGLE_CLIENT_SECRET"))
                return nil
            }
            return Located(value: .env(env.value), location: location)
        case (nil, let file?):
            guard !file.value.isEmpty else {
                context.report(
                    Diagnostic(
                        .invalidValue, at: file.location, what: "\(fieldPath(key)).file of \(owner) is empty",
                        why: "a file reference names the file that holds the secret",
                        fix: "Write the file's path, such as /run/secrets/name"))
                return nil
            }
            return Located(value: .file(file.value), location: location)
        case (nil, nil):
            if fields.entries.isEmpty {
                context.report(
                    Diagnostic(
                        .missingField, at: location, what: "\(fieldPath(key)) of \(owner) names no source",
                        why: "a secret reference has exactly one of env or file",
                        fix: "Use { env: NAME } or { file: PATH }"))
            }
            return nil
        case (_?, _?):
            context.report(
                Diagnostic(
                    .invalidValue, at: location, what: "\(fieldPath(key)) of \(owner) names both env and file",
                    why: "a secret reference has exactly one of env or file", fix: "Keep only one of them"))
            return nil
        }
    }

    /// The nested mapping at `key`, whose keys must be among `known`.
    func nested(_ key: String, known: [String], required: Bool = false) -> Fields? {
        guard let node = value(key, required: required, example: "{}") else {
            if let entry = entries[key] {
                return Fields(context: context, node: entry.value, path: fieldPath(key), owner: owner, entries: [:])
            }
            return nil
        }
        return context.fields(of: node, path: fieldPath(key), owner: owner, known: known)
    }

    /// A list of strings, each with its location.
    func stringList(_ key: String) -> [Located<String>]? {
        guard let node = value(key, required: false, example: "[]"), context.visit(node) else { return nil }
        guard case .sequence(let sequence) = node else {
            wrongType(node, key, expected: .sequence, fix: "Write a list such as [a, b]")
            return nil
        }
        var items: [Located<String>] = []
        for item in sequence {
            guard context.visit(item) else { return nil }
            guard case .scalar(let scalar) = item, item.valueKind == .string else {
                context.report(
                    Diagnostic(
                        .wrongType, at: item.location(in: context.file),
                        what: "an item of \(fieldPath(key)) of \(owner) is \(item.valueKind.phrase)",
                        why: "\(fieldPath(key)) is a list of strings", fix: "Write each item as a plain word"))
                continue
            }
            items.append(Located(value: scalar.string, location: item.location(in: context.file)))
        }
        return items
    }
}

func isEnvironmentName(_ name: String) -> Bool {
    guard let first = name.unicodeScalars.first, !("0"..."9").contains(first) else { return false }
    return name.unicodeScalars.allSatisfy { $0.isASCII && ($0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0)) }
}

/// The scheme and host of an absolute http(s) URL, parsed without Foundation's leniency.
struct URLParts {
    var scheme: String
    var host: String

    init?(_ text: String) {
        guard let schemeEnd = text.range(of: "://") else { return nil }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = text[schemeEnd.upperBound...]
        guard !rest.contains(where: { $0 == " " || $0 == "\t" }) else { return nil }
        let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        var host = Substring(authority.split(separator: "@").last ?? "")
        if host.hasPrefix("[") {
            guard let close = host.firstIndex(of: "]") else { return nil }
            host = host[...close]
        } else if let colon = host.firstIndex(of: ":") {
            let port = host[host.index(after: colon)...]
            guard !port.isEmpty, port.allSatisfy(\.isNumber), let value = Int(port), value <= 65535 else { return nil }
            host = host[..<colon]
        }
        guard !host.isEmpty else { return nil }
        self.scheme = scheme
        self.host = host.lowercased()
    }
}
