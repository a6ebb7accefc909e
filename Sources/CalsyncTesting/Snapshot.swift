import Foundation

/// Golden files: compared byte for byte; `CALSYNC_RECORD_SNAPSHOTS=1` writes them anew.
public enum Snapshot {
    /// Returns nil when `actual` matches the golden at `path`, else a description of the difference.
    ///
    /// A missing golden is a failure unless recording.
    public static func mismatch(_ actual: String, golden path: String) -> String? {
        if ProcessInfo.processInfo.environment["CALSYNC_RECORD_SNAPSHOTS"] == "1" {
            try? FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try? actual.write(toFile: path, atomically: true, encoding: .utf8)
            return nil
        }
        guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
            return "missing golden \(path); record it with CALSYNC_RECORD_SNAPSHOTS=1"
        }
        guard expected != actual else { return nil }
        let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
        for index in 0..<max(e.count, a.count) {
            let left = index < e.count ? String(e[index]) : "<end>"
            let right = index < a.count ? String(a[index]) : "<end>"
            if left != right { return "\(path): line \(index + 1) differs\n  expected: \(left)\n  actual:   \(right)" }
        }
        return "\(path) differs"
    }
}
