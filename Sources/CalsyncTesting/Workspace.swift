import Foundation

/// A temporary working directory for end-to-end runs of the `calsync` binary: manifests, state and status.
public final class Workspace: @unchecked Sendable {
    public let path: String
    /// Extra environment for every run.
    public var environment: [String: String] = [:]

    public init() throws {
        path = NSTemporaryDirectory() + "calsync-ws-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Copies the repository's sample manifests into `manifests/`.
    public func copySampleManifests() throws {
        try FileManager.default.copyItem(atPath: RepositoryPaths.path("manifests"), toPath: path + "/manifests")
    }

    public func write(_ relative: String, _ contents: String) throws {
        let file = path + "/" + relative
        try FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try contents.write(toFile: file, atomically: true, encoding: .utf8)
    }

    public func read(_ relative: String) -> String? {
        try? String(contentsOfFile: path + "/" + relative, encoding: .utf8)
    }

    public func remove(_ relative: String) throws {
        try FileManager.default.removeItem(atPath: path + "/" + relative)
    }

    public func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: path + "/" + relative) }

    /// Runs `calsync` here.
    public func calsync(_ arguments: [String], environment extra: [String: String] = [:]) async throws -> CommandResult {
        try await CommandRunner.calsync(arguments, in: path, environment: environment.merging(extra) { $1 })
    }

    /// Every regular file under the workspace, relative path → contents.
    public func files(under relative: String) -> [String: Data] {
        let base = path + "/" + relative
        var result: [String: Data] = [:]
        for item in FileManager.default.enumerator(atPath: base)?.allObjects as? [String] ?? [] {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: base + "/" + item, isDirectory: &isDirectory), !isDirectory.boolValue {
                result[item] = FileManager.default.contents(atPath: base + "/" + item)
            }
        }
        return result
    }

    /// Writes `tenants` tenants with `providersPerTenant` providers each under `manifests/`.
    public func writeGeneratedManifests(
        tenants: Int, providersPerTenant: Int, syncInterval: String = "15m", directory: String = "manifests"
    ) throws {
        for tenant in 0..<tenants {
            var text = """
                apiVersion: calsync/v1
                kind: Tenant
                metadata: { name: t\(tenant) }
                spec:
                  oauthApps:
                    google:
                      clientId: c\(tenant).apps.googleusercontent.com
                      clientSecret: { env: T\(tenant)_SECRET }
                      redirectUri: http://127.0.0.1:8765/oauth/callback

                """
            for provider in 0..<providersPerTenant {
                text += """
                    ---
                    apiVersion: calsync/v1
                    kind: CalendarProvider
                    metadata: { name: p\(provider), tenant: t\(tenant) }
                    spec: { vendor: google, calendarId: primary, syncInterval: \(syncInterval) }

                    """
            }
            try write("\(directory)/t\(tenant).yaml", text)
        }
    }
}
