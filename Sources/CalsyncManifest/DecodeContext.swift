import CalsyncModel
import Yams

/// A decoded value and where it was written.
struct Located<Value> {
    var value: Value
    var location: SourceLocation
}

/// Collects the diagnostics of one file while its documents are decoded, and caps the nodes visited.
final class DecodeContext {
    /// The most nodes one file may make the decoder visit, aliases included.
    static let nodeBudget = 1_000_000

    let file: String
    private(set) var diagnostics: [Diagnostic] = []
    private var visited = 0
    private(set) var isOverBudget = false

    init(file: String) { self.file = file }

    func report(_ diagnostic: Diagnostic) { diagnostics.append(diagnostic) }

    /// Counts a visit; false (and one diagnostic) once the file has used its budget.
    func visit(_ node: Node) -> Bool {
        visited += 1
        guard visited > Self.nodeBudget else { return true }
        if !isOverBudget {
            isOverBudget = true
            report(
                Diagnostic(
                    .tooComplex, at: node.location(in: file),
                    what: "the file expands to more than \(Self.nodeBudget) YAML nodes",
                    why: "aliases are expanded when read, and the loader caps the nodes it visits",
                    fix: "Remove the aliases that repeat large structures"))
        }
        return false
    }

    /// Reads `node` as a mapping whose keys must be among `known`; nil (after a diagnostic) otherwise.
    ///
    /// An empty value (`spec:`) reads as an empty mapping.
    func fields(of node: Node, path: String, owner: String, known: [String]) -> Fields? {
        guard visit(node) else { return nil }
        switch node {
        case .mapping(let mapping):
            var entries: [String: (key: Node, value: Node)] = [:]
            for (key, value) in mapping {
                guard visit(key) else { return nil }
                guard case .scalar(let scalar) = key, key.valueKind == .string else {
                    report(
                        Diagnostic(
                            .wrongType, at: key.location(in: file),
                            what: "a key of \(path) of \(owner) is \(key.valueKind.phrase)",
                            why: "manifest keys are plain strings", fix: "Write the key as a plain word"))
                    continue
                }
                let name = scalar.string
                guard known.contains(name) else {
                    report(unknownField(name, at: key.location(in: file), path: path, owner: owner, known: known))
                    continue
                }
                entries[name] = (key, value)
            }
            return Fields(context: self, node: node, path: path, owner: owner, entries: entries)
        case .scalar where node.valueKind == .null:
            return Fields(context: self, node: node, path: path, owner: owner, entries: [:])
        default:
            report(
                Diagnostic(
                    .wrongType, at: node.location(in: file), what: "\(path) of \(owner) is \(node.valueKind.phrase)",
                    why: "\(path) must be a mapping", fix: "Write \(path) as `key: value` lines"))
            return nil
        }
    }

    private func unknownField(_ name: String, at location: SourceLocation, path: String, owner: String, known: [String])
        -> Diagnostic
    {
        let suggestion = known.min { editDistance($0, name) < editDistance($1, name) }
        let fix: String
        if let suggestion, editDistance(suggestion, name) <= max(2, name.count / 3) {
            fix = "Did you mean \"\(suggestion)\"?"
        } else {
            fix = "Remove it or correct its name"
        }
        return Diagnostic(
            .unknownField, at: location, what: "unknown field \"\(name)\" in \(path) of \(owner)",
            why: "\(path) takes \(known.joined(separator: ", "))", fix: fix)
    }
}

/// Levenshtein distance, for "did you mean" suggestions.
func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a.lowercased()), b = Array(b.lowercased())
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var previous = Array(0...b.count)
    for i in 1...a.count {
        var current = [i] + Array(repeating: 0, count: b.count)
        for j in 1...b.count {
            current[j] = Swift.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
        }
        previous = current
    }
    return previous[b.count]
}

extension Located: Sendable where Value: Sendable {}
