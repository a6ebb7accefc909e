import CalsyncModel
import Foundation

/// Finds manifest files on disk and reads them as text.
enum ManifestDiscovery {
    static func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: path) }

    static func file(_ file: String, isUnder path: String) -> Bool {
        file == path || file.hasPrefix(path.hasSuffix("/") ? path : path + "/")
    }

    static func isManifestName(_ name: String) -> Bool { name.hasSuffix(".yaml") || name.hasSuffix(".yml") }

    /// Manifest files under `path`, sorted; a file named directly is taken whatever its extension.
    static func files(under path: String) -> (files: [String], diagnostics: [Diagnostic]) {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return (
                [],
                [
                    Diagnostic(
                        .noManifests, at: .start(of: path), what: "\"\(path)\" does not exist",
                        why: "every path named must be a manifest file or a directory of manifests",
                        fix: "Check the path, or create it")
                ]
            )
        }
        guard isDirectory.boolValue else { return ([path], []) }
        var found: [String] = []
        let base = path.hasSuffix("/") ? String(path.dropLast()) : path
        guard let enumerator = FileManager.default.enumerator(atPath: path) else { return ([], []) }
        while let relative = enumerator.nextObject() as? String {
            let name = (relative as NSString).lastPathComponent
            if name.hasPrefix(".") {
                if enumerator.fileAttributes?[.type] as? FileAttributeType == .typeDirectory {
                    enumerator.skipDescendants()
                }
                continue
            }
            if isManifestName(name), enumerator.fileAttributes?[.type] as? FileAttributeType != .typeDirectory {
                found.append(base + "/" + relative)
            }
        }
        return (found.sorted(), [])
    }

    /// The file's text, or a located diagnostic when it is unreadable, too large or not UTF-8.
    static func read(_ file: String, maxSize: Int) -> Result<String, Diagnostic> {
        guard let handle = FileHandle(forReadingAtPath: file) else {
            return .failure(
                Diagnostic(
                    .unreadableFile, at: .start(of: file), what: "\"\(file)\" cannot be read",
                    why: "calsync must be able to open every manifest file", fix: "Check the file's permissions"))
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maxSize + 1)) ?? Data()
        guard data.count <= maxSize else {
            return .failure(
                Diagnostic(
                    .unreadableFile, at: .start(of: file), what: "\"\(file)\" is larger than \(maxSize / 1024 / 1024) MiB",
                    why: "manifest files are capped in size", fix: "Split it into several files"))
        }
        guard var text = String(data: data, encoding: .utf8), !data.contains(0) else {
            return .failure(
                Diagnostic(
                    .unreadableFile, at: .start(of: file), what: "\"\(file)\" is not UTF-8 text",
                    why: "manifests are UTF-8 YAML", fix: "Save the file as UTF-8 text"))
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return .success(text)
    }
}
