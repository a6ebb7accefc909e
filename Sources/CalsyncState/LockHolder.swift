import CalsyncModel
import Foundation

/// Who holds the state lock, recorded in the lock file for other runs' messages.
public struct LockHolder: Sendable, Hashable, Codable, CustomStringConvertible {
    public var id: String
    public var command: String
    public var pid: Int32
    public var host: String
    public var since: Date

    public init(id: String, command: String, pid: Int32, host: String, since: Date) {
        self.id = id
        self.command = command
        self.pid = pid
        self.host = host
        self.since = since
    }

    public var description: String {
        "\(command) (lock id \(id), pid \(pid) on \(host), since \(RFC3339.string(since)))"
    }
}
