import Foundation

/// Paths inside this repository, found from the source file's location so tests run from any directory.
public enum RepositoryPaths {
    /// The repository root (the directory holding Package.swift).
    public static let root: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) { return url }
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    }()

    public static func path(_ relative: String) -> String { root.appendingPathComponent(relative).path }

    /// The `calsync` executable under test: `CALSYNC_BIN`, else the debug build.
    public static var calsyncBinary: String {
        if let bin = ProcessInfo.processInfo.environment["CALSYNC_BIN"], !bin.isEmpty { return bin }
        return path(".build/debug/calsync")
    }

    /// The `calsync-emulator` built beside the `calsync` under test.
    public static var emulatorBinary: String {
        URL(fileURLWithPath: calsyncBinary).deletingLastPathComponent().appendingPathComponent("calsync-emulator").path
    }
}
