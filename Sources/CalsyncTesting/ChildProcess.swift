import Foundation

/// Owns an emulator child process so the harness can stop it once, from any task.
actor ChildProcess {
    private var process: Process?
    private let input: Pipe
    /// The process id, for reading what the child used (`/proc/PID/stat`).
    nonisolated let processID: Int32

    /// Takes ownership of a running process and of the pipe on its standard input.
    init(_ process: Process, input: Pipe) {
        self.process = process
        self.input = input
        processID = process.processIdentifier
    }

    /// Sends SIGTERM (a graceful shutdown) and waits for the exit; later calls do nothing.
    func terminate() async {
        guard let process else { return }
        self.process = nil
        process.terminate()
        while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
        try? input.fileHandleForWriting.close()
    }
}
