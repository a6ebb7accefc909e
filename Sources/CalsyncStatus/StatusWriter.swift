import CalsyncModel
import Foundation

/// Writes `status/<tenant>/<provider>.yaml` and `status/summary.md`: only files whose bytes change
/// are rewritten, and cards of providers no longer in state are removed.
public struct StatusWriter: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    /// Writes every card; returns the paths it wrote or removed.
    @discardableResult
    public func write(_ cards: [ProviderStatus]) throws -> [String] {
        var touched: [String] = []
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
        removeTemporaries()
        var expected = Set<String>()
        for card in cards {
            let path = "\(directory)/\(card.ref.tenant)/\(card.ref.provider).yaml"
            expected.insert(path)
            if try writeIfChanged(StatusYAML.render(card), to: path) { touched.append(path) }
        }
        for tenant in (try? fileManager.contentsOfDirectory(atPath: directory)) ?? [] {
            let tenantDirectory = "\(directory)/\(tenant)"
            var isDirectory: ObjCBool = false
            guard fileManager.fileExists(atPath: tenantDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
                continue
            }
            for file in (try? fileManager.contentsOfDirectory(atPath: tenantDirectory)) ?? [] where file.hasSuffix(".yaml") {
                let path = "\(tenantDirectory)/\(file)"
                if !expected.contains(path) {
                    try fileManager.removeItem(atPath: path)
                    touched.append(path)
                }
            }
            if ((try? fileManager.contentsOfDirectory(atPath: tenantDirectory)) ?? []).isEmpty {
                try? fileManager.removeItem(atPath: tenantDirectory)
            }
        }
        let summary = "\(directory)/summary.md"
        if try writeIfChanged(StatusSummary.render(cards), to: summary) { touched.append(summary) }
        return touched
    }

    /// The cards recorded in the directory, by provider (to detect a lost state file).
    public func hasProviderCards() -> Bool {
        let fileManager = FileManager.default
        for tenant in (try? fileManager.contentsOfDirectory(atPath: directory)) ?? [] {
            let files = (try? fileManager.contentsOfDirectory(atPath: "\(directory)/\(tenant)")) ?? []
            if files.contains(where: { $0.hasSuffix(".yaml") }) { return true }
        }
        return false
    }

    /// Writes through a temporary file beside the target and a rename, so a reader never sees half a
    /// card; temporaries left by a killed run are removed by the next one.
    private func writeIfChanged(_ text: String, to path: String) throws -> Bool {
        let data = Data(text.utf8)
        if FileManager.default.contents(atPath: path) == data { return false }
        let directory = (path as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = "\(directory)/.\((path as NSString).lastPathComponent)\(Self.temporaryMarker)\(ProcessInfo.processInfo.processIdentifier)"
        try data.write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            try? FileManager.default.removeItem(atPath: temporary)
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        return true
    }

    static let temporaryMarker = ".calsync-tmp-"

    /// Removes temporaries a killed run left behind.
    private func removeTemporaries() {
        let fileManager = FileManager.default
        for item in fileManager.enumerator(atPath: directory)?.allObjects as? [String] ?? []
        where (item as NSString).lastPathComponent.contains(Self.temporaryMarker) {
            try? fileManager.removeItem(atPath: "\(directory)/\(item)")
        }
    }
}
