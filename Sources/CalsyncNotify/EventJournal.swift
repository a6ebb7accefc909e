import Foundation

/// `status/events.jsonl`: one JSON object per line, appended, never rewritten.
///
/// An append is flushed to the disk (`fsync`) before it returns, and the caller marks the events
/// journaled only then. When a run dies between the two, the next run finds the same lines at the end
/// of the file and does not write them again; a line torn by a crash is closed with a newline first,
/// so every line after it is whole.
package struct EventJournal: Sendable {
    /// The file's path.
    package let path: String

    package init(path: String) {
        self.path = path
    }

    /// Appends each of `lines` that is not already among the file's last lines, then flushes.
    /// - Parameter lines: JSON objects without newlines, oldest first.
    /// - Returns: How many lines were written (those already present are left out).
    /// - Throws: `JournalError` when the file cannot be created, read or written.
    @discardableResult
    package func append(_ lines: [String]) throws(JournalError) -> Int {
        guard !lines.isEmpty else { return 0 }
        do {
            let fileManager = FileManager.default
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try fileManager.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            if !fileManager.fileExists(atPath: path), !fileManager.createFile(atPath: path, contents: nil) {
                throw CocoaError(.fileWriteUnknown)
            }
            let (present, endsWithNewline) = try tail(bytes: lines.reduce(64 * 1024) { $0 + $1.utf8.count + 1 })
            var text = endsWithNewline ? "" : "\n"
            var written = 0
            for line in lines where !present.contains(line) {
                text += line + "\n"
                written += 1
            }
            guard written > 0 else { return 0 }
            guard let handle = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteNoPermission) }
            defer { try? handle.close() }
            try handle.seekToEnd()
            try handle.write(contentsOf: Data(text.utf8))
            try handle.synchronize()
            return written
        } catch {
            throw JournalError(path: path, reason: error.localizedDescription)
        }
    }

    /// The whole lines within the last `bytes` bytes of the file, and whether it ends with a newline
    /// (an empty file does).
    private func tail(bytes: Int) throws -> (lines: Set<String>, endsWithNewline: Bool) {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoPermission) }
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        guard size > 0 else { return ([], true) }
        let start = size > UInt64(bytes) ? size - UInt64(bytes) : 0
        try handle.seek(toOffset: start)
        let data = try handle.readToEnd() ?? Data()
        var lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true).map(
            String.init)
        if start > 0, !lines.isEmpty { lines.removeFirst() }
        return (Set(lines), data.last == UInt8(ascii: "\n"))
    }
}

/// `status/events.jsonl` could not be appended to; the events stay unjournaled and the next run tries again.
public struct JournalError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The journal's path.
    public var path: String
    /// What the file system said.
    public var reason: String

    public var description: String {
        "cannot append to \"\(path)\" (\(reason)). Check that the status directory is writable; the events stay queued for the next run."
    }
}
