import Foundation

/// Where views write: standard output and standard error, and whether colour is allowed.
struct Console: Sendable {
    /// Colour and symbols only on a terminal, never with `NO_COLOR` set.
    var isColorEnabled: Bool

    init(environment: [String: String]) {
        isColorEnabled = isatty(STDOUT_FILENO) == 1 && (environment["NO_COLOR"] ?? "").isEmpty
            && environment["TERM"] != "dumb"
    }

    func output(_ text: String, terminator: String = "\n") { write(text + terminator, to: .standardOutput) }
    func error(_ text: String) { write(text + "\n", to: .standardError) }

    private func write(_ text: String, to handle: FileHandle) {
        handle.write(Data(text.utf8))
    }
}

/// The process environment, read once at the composition root.
enum ProcessEnvironment {
    static var current: [String: String] { ProcessInfo.processInfo.environment }
}
