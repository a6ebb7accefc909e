import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A loopback HTTP server that answers every request with one status, on a thread of its own, so it
/// answers even while every thread of the test's pool waits for a `calsync` child process.
final class HealthzServer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var lines: [String] = []

    /// Starts listening on 127.0.0.1 and an ephemeral port.
    init(status: Int) throws {
        let (descriptor, port) = try Self.bindLoopback()
        guard listen(descriptor, 16) == 0 else {
            close(descriptor)
            throw HealthzServerError(description: "listen failed: \(String(cString: strerror(errno)))")
        }
        self.listener = descriptor
        self.port = port
        let thread = Thread { [self] in serve(status: status) }
        thread.start()
    }

    /// The request lines received so far (`GET /healthz HTTP/1.1`).
    var requestLines: [String] { lock.withLock { lines } }

    /// Stops accepting; the serving thread ends.
    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    /// A loopback port nothing listens on: bound, then released.
    static func closedPort() throws -> Int {
        let (descriptor, port) = try bindLoopback()
        close(descriptor)
        return port
    }

    private func serve(status: Int) {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { return }
            var received = Data()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while received.range(of: Data("\r\n\r\n".utf8)) == nil {
                let count = read(client, &buffer, buffer.count)
                guard count > 0 else { break }
                received.append(contentsOf: buffer[0..<count])
            }
            let line = String(decoding: received, as: UTF8.self).components(separatedBy: "\r\n").first ?? ""
            lock.withLock { lines.append(line) }
            let response = Array("HTTP/1.1 \(status) Status\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok".utf8)
            _ = response.withUnsafeBytes { write(client, $0.baseAddress, $0.count) }
            close(client)
        }
    }

    private static func bindLoopback() throws -> (Int32, Int) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw HealthzServerError(description: "socket failed") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(descriptor, socketAddress, length) == 0 && getsockname(descriptor, socketAddress, &length) == 0
            }
        }
        guard bound else {
            close(descriptor)
            throw HealthzServerError(description: "bind failed: \(String(cString: strerror(errno)))")
        }
        return (descriptor, Int(UInt16(bigEndian: address.sin_port)))
    }
}

struct HealthzServerError: Error, CustomStringConvertible {
    let description: String
}
