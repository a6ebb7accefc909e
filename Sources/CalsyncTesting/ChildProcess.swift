import Foundation

/// Owns an emulator child process so the harness can stop it once, from any task.
actor ChildProcess {
    private var process: Process?
    private let input: Pipe

    /// Takes ownership of a running process and of the pipe on its standard input.
    init(_ process: Process, input: Pipe) {
        self.process = process
        self.input = input
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
