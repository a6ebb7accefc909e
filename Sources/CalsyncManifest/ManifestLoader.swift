import CalsyncModel
import Foundation
import Yams

/// What loading the manifests produced: the desired state when there were no errors, and every diagnostic.
public struct ManifestSet: Sendable {
    /// The desired state; nil when any error was found.
    public var desired: DesiredState?
    /// Every problem, sorted by file, line and column.
    public var diagnostics: [Diagnostic]
    /// The manifest files read.
    public var files: [String]
    /// The documents decoded, all kinds together.
    public var documentCount: Int

    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// Finds manifest files under paths, parses them and checks them together.
///
/// Needs no state and no network. Every problem in every file is reported at once.
public enum ManifestLoader {
    /// The largest manifest file read.
    public static let maxFileSize = 4 * 1024 * 1024

    /// Loads the manifests under `paths` (files or directories, searched recursively for `*.yaml`/`*.yml`).
    public static func load(paths: [String]) -> ManifestSet {
        var diagnostics: [Diagnostic] = []
        var files: [String] = []
        for path in paths {
            let found = ManifestDiscovery.files(under: path)
            diagnostics += found.diagnostics
            files += found.files
        }
        files = uniqued(files)
        let decoded = decodeConcurrently(files)
        var documents: [(ManifestDocument, file: String)] = []
        var documentsPerFile: [String: Int] = [:]
        for (file, result) in zip(files, decoded) {
            diagnostics += result.diagnostics
            documentsPerFile[file] = result.documentCount
            documents += result.documents.map { ($0, file) }
        }
        for path in paths where ManifestDiscovery.exists(path) {
            let under = files.filter { ManifestDiscovery.file($0, isUnder: path) }
            if under.allSatisfy({ (documentsPerFile[$0] ?? 0) == 0 }) && !diagnostics.contains(where: { d in under.contains(d.location.file) }) {
                diagnostics.append(
                    Diagnostic(
                        .noManifests, at: .start(of: path), what: "\"\(path)\" holds no manifest",
                        why: "a path with no manifests would plan an empty desired state and delete everything",
                        fix: "Name a file or directory with *.yaml or *.yml manifests"))
            }
        }
        let checked = CrossChecks.run(documents)
        diagnostics += checked.diagnostics
        diagnostics.sort()
        let hasErrors = diagnostics.contains { $0.severity == .error }
        return ManifestSet(
            desired: hasErrors ? nil : checked.desired, diagnostics: diagnostics, files: files,
            documentCount: documents.count)
    }

    /// Loads a configuration file holding one `Config` document.
    public static func loadConfig(file: String) -> (config: ConfigFile?, diagnostics: [Diagnostic]) {
        let result = decodeFile(file)
        var diagnostics = result.diagnostics
        var config: ConfigFile?
        for document in result.documents {
            if case .config(let found, _) = document, config == nil {
                config = found
            } else {
                diagnostics.append(
                    Diagnostic(
                        .misplacedConfig, at: .start(of: file), what: "\"\(file)\" holds more than one Config document",
                        why: "the configuration file holds exactly one document of kind Config",
                        fix: "Keep one Config document and move manifests under the manifest paths"))
                break
            }
        }
        if config == nil && diagnostics.isEmpty {
            diagnostics.append(
                Diagnostic(
                    .missingField, at: .start(of: file), what: "\"\(file)\" holds no Config document",
                    why: "the configuration file holds one document with `kind: Config`",
                    fix: "Write `apiVersion: calsync/v1`, `kind: Config` and a spec"))
        }
        return (diagnostics.isEmpty ? config : nil, diagnostics.sorted())
    }

    // MARK: - Files

    struct FileResult: Sendable {
        var documents: [ManifestDocument] = []
        var diagnostics: [Diagnostic] = []
        var documentCount = 0
    }

    /// Decodes files on all cores, keeping their order.
    private static func decodeConcurrently(_ files: [String]) -> [FileResult] {
        guard files.count > 1 else { return files.map { decodeFile($0) } }
        let results = ResultSlots(count: files.count)
        DispatchQueue.concurrentPerform(iterations: files.count) { index in
            results.set(index, decodeFile(files[index]))
        }
        return results.values
    }

    static func decodeFile(_ file: String) -> FileResult {
        var result = FileResult()
        let text: String
        switch ManifestDiscovery.read(file, maxSize: maxFileSize) {
        case .success(let contents): text = contents
        case .failure(let diagnostic):
            result.diagnostics.append(diagnostic)
            return result
        }
        if let problem = YAMLGuard.check(text, file: file) {
            result.diagnostics.append(problem)
            return result
        }
        let context = DecodeContext(file: file)
        let decoder = DocumentDecoder(context: context)
        do {
            let parser = try Parser(yaml: text, resolver: .basic, constructor: .default)
            while let root = try parser.nextRoot() {
                if root.valueKind == .null { continue }
                result.documentCount += 1
                if let document = decoder.decode(root) { result.documents.append(document) }
                if context.isOverBudget { break }
            }
        } catch let error as YamlError {
            result.diagnostics.append(YAMLErrorDiagnostic.make(error, file: file))
        } catch {
            result.diagnostics.append(
                Diagnostic(
                    .malformedYAML, at: .start(of: file), what: "the file could not be parsed",
                    why: "it is not well-formed YAML", fix: "Correct the YAML syntax"))
        }
        result.diagnostics += context.diagnostics
        return result
    }

    private static func uniqued(_ files: [String]) -> [String] {
        var seen = Set<String>()
        return files.filter { seen.insert($0).inserted }
    }
}

/// A fixed set of result slots filled from concurrent iterations.
private final class ResultSlots: @unchecked Sendable {
    private var slots: [ManifestLoader.FileResult]
    private let lock = NSLock()

    init(count: Int) { slots = Array(repeating: .init(), count: count) }

    func set(_ index: Int, _ value: ManifestLoader.FileResult) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    var values: [ManifestLoader.FileResult] {
        lock.lock()
        defer { lock.unlock() }
        return slots
    }
}

/// Turns a Yams parse error into a located diagnostic.
enum YAMLErrorDiagnostic {
    static func make(_ error: YamlError, file: String) -> Diagnostic {
        func located(_ mark: Mark, _ problem: String) -> Diagnostic {
            Diagnostic(
                .malformedYAML, at: SourceLocation(file: file, line: max(1, mark.line), column: max(1, mark.column)),
                what: problem, why: "the file is not well-formed YAML", fix: "Correct the YAML syntax at this position")
        }
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return located(mark, problem)
        case .duplicatedKeysInMapping(let duplicates, let context):
            let keys = duplicates.map { "\"\($0)\"" }.joined(separator: ", ")
            return Diagnostic(
                .malformedYAML,
                at: SourceLocation(file: file, line: max(1, context.mark.line), column: max(1, context.mark.column)),
                what: "key \(keys) appears twice in one mapping", why: "a mapping's keys are unique",
                fix: "Remove or rename the duplicate key")
        case .reader(let problem, let offset, _, _):
            return Diagnostic(
                .unreadableFile, at: .start(of: file),
                what: "the file cannot be read as text: \(problem)\(offset.map { " at byte \($0)" } ?? "")",
                why: "manifests are UTF-8 text", fix: "Save the file as UTF-8 YAML")
        default:
            return Diagnostic(
                .malformedYAML, at: .start(of: file), what: "the file could not be parsed",
                why: "the file is not well-formed YAML", fix: "Correct the YAML syntax")
        }
    }
}
