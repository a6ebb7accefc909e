import CalsyncManifest
import CalsyncModel
import Testing

/// Flags win over the environment, which wins over calsync.yaml, which wins over the defaults.
@Suite struct ConfigurationTests {
    @Test func defaults() throws {
        let config = try Configuration.resolve(flags: .init(), environment: [:], file: nil, fileName: nil)
        #expect(config.statePath == ".calsync/state.db")
        #expect(config.statusDir == "status/")
        #expect(config.webhookBaseURL == nil)
        #expect(config.webhookRenewBefore == .hours(24))
        #expect(config.clockOffset.seconds == 0)
        #expect(config.endpoints.googleAPI == "https://www.googleapis.com")
        #expect(config.endpoints.googleToken == "https://oauth2.googleapis.com")
        #expect(config.endpoints.graph == "https://graph.microsoft.com")
        #expect(config.maxProviderDeletes == 5)
        #expect(config.syncBatchSize == nil)
    }

    @Test func precedence() throws {
        var file = ConfigFile()
        file.state = "file.db"
        file.statusDir = "file-status/"
        file.webhookBaseUrl = "https://file.example.com"
        file.endpoints.google = "http://127.0.0.1:9000/google"
        let environment = [
            "CALSYNC_STATE": "env.db", "CALSYNC_WEBHOOK_BASE_URL": "https://env.example.com/",
            "CALSYNC_CLOCK_OFFSET": "-10m", "CALSYNC_GRAPH_BASE_URL": "http://127.0.0.1:9000/graph",
            "CALSYNC_TENANT": "acme", "CALSYNC_SYNC_BATCH_SIZE": "500",
        ]
        let config = try Configuration.resolve(
            flags: .init(state: "flag.db"), environment: environment, file: file, fileName: "calsync.yaml")
        #expect(config.statePath == "flag.db")
        #expect(config.statusDir == "file-status/")
        #expect(config.webhookBaseURL == "https://env.example.com")
        #expect(config.clockOffset.seconds == -600)
        #expect(config.endpoints.googleAPI == "http://127.0.0.1:9000/google")
        #expect(config.endpoints.googleAuthorize == "http://127.0.0.1:9000/google")
        #expect(config.endpoints.graph == "http://127.0.0.1:9000/graph")
        #expect(config.tenant?.rawValue == "acme")
        #expect(config.syncBatchSize == 500)
    }

    @Test(arguments: [
        ("CALSYNC_CLOCK_OFFSET", "soon"), ("CALSYNC_GRAPH_BASE_URL", "graph.local"), ("CALSYNC_TENANT", "Acme"),
        ("CALSYNC_WEBHOOK_RENEW_BEFORE", "0s"), ("CALSYNC_SYNC_BATCH_SIZE", "0"), ("CALSYNC_SYNC_BATCH_SIZE", "many"),
    ])
    func malformedSettingsAreNamed(_ name: String, _ value: String) {
        #expect(throws: ConfigurationError.self) {
            try Configuration.resolve(flags: .init(), environment: [name: value], file: nil, fileName: nil)
        }
        do {
            _ = try Configuration.resolve(flags: .init(), environment: [name: value], file: nil, fileName: nil)
        } catch {
            #expect(error.description.hasPrefix("\(name) \"\(value)\" is malformed"))
        }
    }
}
