import Foundation

/// Owns an emulator child process so the harness can stop it once, from any task.
actor ChildProcess {
    private var process: Process?

    /// Takes ownership of a running process.
    init(_ process: Process) {
        self.process = process
    }

    /// Sends SIGTERM (a graceful shutdown) and waits for the exit; later calls do nothing.
    func terminate() {
        guard let process else { return }
        self.process = nil
        process.terminate()
        process.waitUntilExit()
    }
}
