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
        for path in existingCards() where !expected.contains(path) {
            try fileManager.removeItem(atPath: path)
            touched.append(path)
            let tenantDirectory = (path as NSString).deletingLastPathComponent
            if ((try? fileManager.contentsOfDirectory(atPath: tenantDirectory)) ?? []).isEmpty {
                try? fileManager.removeItem(atPath: tenantDirectory)
            }
        }
        let summary = "\(directory)/summary.md"
        if try writeIfChanged(StatusSummary.render(cards), to: summary) { touched.append(summary) }
        return touched
    }

    /// Whether the directory holds provider cards (to detect a lost state file).
    public func hasProviderCards() -> Bool { !existingCards().isEmpty }

    /// The provider cards in the directory: `TENANT/PROVIDER.yaml` files that are ProviderStatus documents.
    /// Nothing else under the directory is ever removed.
    func existingCards() -> [String] {
        let fileManager = FileManager.default
        var cards: [String] = []
        for tenant in (try? fileManager.contentsOfDirectory(atPath: directory)) ?? [] where TenantName(rawValue: tenant) != nil {
            for file in (try? fileManager.contentsOfDirectory(atPath: "\(directory)/\(tenant)")) ?? [] {
                guard file.hasSuffix(".yaml"), ProviderName(rawValue: String(file.dropLast(5))) != nil else { continue }
                let path = "\(directory)/\(tenant)/\(file)"
                if let handle = FileHandle(forReadingAtPath: path) {
                    let head = String(decoding: (try? handle.read(upToCount: 64)) ?? Data(), as: UTF8.self)
                    try? handle.close()
                    if head.hasPrefix(Self.cardHeader) { cards.append(path) }
                }
            }
        }
        return cards.sorted()
    }

    static let cardHeader = "apiVersion: calsync/v1\nkind: ProviderStatus\n"

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
