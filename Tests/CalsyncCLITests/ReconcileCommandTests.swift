import CalsyncModel
import CalsyncState
import CalsyncTesting
import Foundation
import Testing

/// plan, apply, reconcile, drift and status driven as CI and operators drive them: the binary, its files, its exit codes.
@Suite struct ReconcileCommandTests {
    @Test func planOnMissingStateCreatesNothing() async throws {
        let ws = try Workspace()
        try ws.copySampleManifests()
        let plan = try await ws.calsync(["plan"])
        #expect(plan.exitCode == 0)
        #expect(plan.stdout.hasPrefix("Plan: 4 to create, 3 to authorize.\n"))
        #expect(!ws.exists(".calsync"))
        #expect(!ws.exists("status"))
        #expect(try await ws.calsync(["plan", "--detailed-exitcode"]).exitCode == 2)
    }

    @Test func reconcileCreatesThenConvergesWithoutWrites() async throws {
        // Given the sample manifests and no state
        let ws = try Workspace()
        try ws.copySampleManifests()
        // When reconciled, Then providers are recorded, consent is asked for, and the run exits 3
        let first = try await ws.calsync(["reconcile"])
        #expect(first.exitCode == 3)
        #expect(first.stderr.contains("blocked: acme/google-main: authorization required: run `calsync authorize acme/google-main`"))
        #expect(!first.stderr.contains("google-events"), "a disabled provider asks for nothing")
        let serial = try SQLiteStateStore(path: ws.path + "/.calsync/state.db", mode: .readOnly).serial()
        let files = ws.files(under: "status")
        #expect(files.keys.sorted() == [
            "acme/google-main.yaml", "acme/outlook-rooms.yaml", "globex/google-events.yaml", "globex/outlook-main.yaml",
            "summary.md",
        ])
        // When reconciled again, Then nothing is written: same serial, byte-identical status files
        let second = try await ws.calsync(["reconcile"])
        #expect(second.exitCode == 3)
        let store = try SQLiteStateStore(path: ws.path + "/.calsync/state.db", mode: .readOnly)
        #expect(try store.serial() == serial)
        #expect(ws.files(under: "status") == files)
        #expect(try store.runs().map(\.summary) == ["4 applied, 3 blocked, 0 failed"], "only the run that changed something is kept")
        let plan = try await ws.calsync(["plan", "--detailed-exitcode"])
        #expect(plan.exitCode == 2, "authorize is still pending: it needs a person")
        #expect(plan.stdout.hasPrefix("Plan: 3 to authorize."))
    }

    @Test func statusShowsCardsInEveryFormat() async throws {
        let ws = try Workspace()
        try ws.copySampleManifests()
        _ = try await ws.calsync(["reconcile"])
        let table = try await ws.calsync(["status"])
        #expect(table.exitCode == 0)
        #expect(table.stdout.contains("globex/google-events  google     bidirectional  Disabled              Authorization Required  False Disabled"))
        let yaml = try await ws.calsync(["status", "acme/google-main", "-o", "yaml"])
        #expect(yaml.exitCode == 0)
        #expect(yaml.stdout == ws.read("status/acme/google-main.yaml"))
        let json = try await ws.calsync(["status", "globex", "-o", "json"])
        let decoded = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        #expect((decoded?["providers"] as? [Any])?.count == 2)
        #expect(try await ws.calsync(["status", "initech"]).exitCode == 1)
        #expect(try await ws.calsync(["status", "acme/nope"]).exitCode == 1)
        let forbidden = try await ws.calsync(["status", "acme/google-main", "--tenant", "globex"])
        #expect(forbidden.exitCode == 1)
        #expect(forbidden.stderr.contains("Forbidden"))
        #expect(try await ws.calsync(["status", "-o", "xml"]).exitCode == 64)
    }

    @Test func deletesHonourProtectAndTheBudget() async throws {
        let ws = try Workspace()
        try ws.writeGeneratedManifests(tenants: 2, providersPerTenant: 4)
        _ = try await ws.calsync(["reconcile"])
        // Removing 8 providers is over the default budget of 5: nothing is deleted, exit 3
        try ws.writeGeneratedManifests(tenants: 2, providersPerTenant: 0)
        let refused = try await ws.calsync(["reconcile"])
        #expect(refused.exitCode == 3)
        #expect(refused.stderr.contains("provider delete budget exceeded"))
        #expect(ws.files(under: "status").count == 9)
        // Raising the budget deletes them and removes their cards
        let allowed = try await ws.calsync(["reconcile", "--max-provider-deletes", "8"])
        #expect(allowed.exitCode == 0, "\(allowed.stderr)")
        #expect(ws.files(under: "status").keys.sorted() == ["events.jsonl", "summary.md"])
        #expect(
            ws.read("status/events.jsonl")?.split(separator: "\n").filter { $0.contains(#""type":"provider_deleted""#) }.count == 8,
            "one provider_deleted line per deleted provider")
    }

    @Test func protectRefusesTheDelete() async throws {
        let ws = try Workspace()
        try ws.copySampleManifests()
        _ = try await ws.calsync(["reconcile"])
        try ws.remove("manifests/tenants/acme.yaml")
        try ws.write("manifests/tenants/acme.yaml", """
            apiVersion: calsync/v1
            kind: Tenant
            metadata: { name: acme }
            spec: {}
            """)
        let plan = try await ws.calsync(["plan"])
        #expect(plan.stdout.contains("refused: protect: true as last applied"), "\(plan.stdout)")
        let result = try await ws.calsync(["reconcile"])
        #expect(result.exitCode == 3)
        #expect(result.stderr.contains("acme/google-main: deletion refused by protect: true"))
        #expect(ws.exists("status/acme/google-main.yaml"))
        #expect(!ws.exists("status/acme/outlook-rooms.yaml"))
    }

    @Test func savedPlansApplyOnceAndGoStale() async throws {
        let ws = try Workspace()
        try ws.copySampleManifests()
        let saved = try await ws.calsync(["plan", "--out", "plan.json", "--format", "json"])
        #expect(saved.exitCode == 0)
        #expect(saved.stdout == ws.read("plan.json").map { $0 + "\n" })
        let applied = try await ws.calsync(["apply", "plan.json"])
        #expect(applied.exitCode == 3, "authorization remains: \(applied.stderr)")
        let again = try await ws.calsync(["apply", "plan.json"])
        #expect(again.exitCode == 1)
        #expect(again.stderr.contains("plan is stale"))
    }

    @Test func applyWithoutATerminalNeedsAutoApprove() async throws {
        let ws = try Workspace()
        try ws.copySampleManifests()
        let refused = try await ws.calsync(["apply"])
        #expect(refused.exitCode == 1)
        #expect(refused.stderr.contains("--auto-approve"))
        #expect(try SQLiteStateStore(path: ws.path + "/.calsync/state.db", mode: .readOnly).snapshot().providers.isEmpty)
        let approved = try await ws.calsync(["apply", "--auto-approve"])
        #expect(approved.exitCode == 3)
        // Deletes without --allow-delete are skipped and listed
        try ws.remove("manifests/tenants/globex.yaml")
        let skipped = try await ws.calsync(["apply", "--auto-approve"])
        #expect(skipped.exitCode == 3)
        #expect(skipped.stderr.contains("globex/outlook-main: delete skipped without --allow-delete"))
        #expect(try await ws.calsync(["apply", "--auto-approve", "--allow-delete"]).exitCode == 3)
        #expect(!ws.exists("status/globex/outlook-main.yaml"))
    }

    @Test func lostStateIsNotCreateEverything() async throws {
        let ws = try Workspace()
        try ws.copySampleManifests()
        _ = try await ws.calsync(["reconcile"])
        try ws.remove(".calsync")
        let refused = try await ws.calsync(["reconcile"])
        #expect(refused.exitCode == 1)
        #expect(refused.stderr.contains("--init"))
        #expect(try await ws.calsync(["reconcile", "--init"]).exitCode == 3)
    }

    @Test func dryRunWritesPendingActionsOnly() async throws {
        let ws = try Workspace()
        try ws.copySampleManifests()
        _ = try await ws.calsync(["reconcile"])
        try ws.remove("manifests/channels/ops.yaml")
        let serial = try SQLiteStateStore(path: ws.path + "/.calsync/state.db", mode: .readOnly).serial()
        let dry = try await ws.calsync(["reconcile", "--dry-run"])
        #expect(dry.exitCode == 0)
        #expect(dry.stdout.contains("Channels: 2 to delete."))
        #expect(try SQLiteStateStore(path: ws.path + "/.calsync/state.db", mode: .readOnly).serial() == serial)
    }

    @Test func heldLockExitsFourNamingTheHolder() async throws {
        let ws = try Workspace()
        try ws.copySampleManifests()
        let holder = LockHolder(id: "ci-run-7", command: "calsync reconcile", pid: 4242, host: "runner-1", since: Date(timeIntervalSince1970: 1_790_000_000))
        let lock = try await StateLock.acquire(databasePath: ws.path + "/.calsync/state.db", holder: holder, timeout: nil)
        for command in [["reconcile"], ["apply", "--auto-approve"], ["state", "migrate"]] {
            let result = try await ws.calsync(command)
            #expect(result.exitCode == 4, "\(command)")
            #expect(result.stderr.contains("lock id ci-run-7, pid 4242 on runner-1, since 2026-09-21T"))
            #expect(result.stderr.contains("calsync state unlock --force ci-run-7"))
        }
        let waited = try await ws.calsync(["reconcile", "--lock-timeout", "1s"])
        #expect(waited.exitCode == 4)
        #expect(try await ws.calsync(["state", "unlock", "--force", "wrong"]).exitCode == 1)
        #expect(try await ws.calsync(["state", "unlock", "--force", "ci-run-7"]).exitCode == 0)
        #expect(try await ws.calsync(["reconcile"]).exitCode == 3)
        lock.release()
    }

    @Test func watchRepeatsUntilStopped() async throws {
        let ws = try Workspace()
        try ws.copySampleManifests()
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RepositoryPaths.calsyncBinary)
        process.arguments = ["reconcile", "--watch", "--interval", "1s"]
        process.currentDirectoryURL = URL(fileURLWithPath: ws.path)
        process.environment = ["PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin", "NO_COLOR": "1"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        try await Task.sleep(for: .milliseconds(3_500))
        process.terminate()
        process.waitUntilExit()
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let runs = stderr.components(separatedBy: "reconcile finished with exit code 3; next run in 1s").count - 1
        #expect(runs >= 2, "\(stderr)")
        #expect(ws.exists("status/summary.md"))
    }

    @Test func driftAndBackup() async throws {
        let ws = try Workspace()
        try ws.copySampleManifests()
        #expect(try await ws.calsync(["drift"]).exitCode == 2)
        _ = try await ws.calsync(["reconcile"])
        let none = try await ws.calsync(["drift"])
        #expect(none.exitCode == 0, "\(none.stdout)")
        #expect(try await ws.calsync(["state", "backup", "copy.db"]).exitCode == 0)
        #expect(try SQLiteStateStore(path: ws.path + "/copy.db", mode: .readOnly).snapshot().providers.count == 4)
    }

    @Test func badManifestsChangeNothing() async throws {
        let ws = try Workspace()
        try ws.copySampleManifests()
        _ = try await ws.calsync(["reconcile"])
        let before = ws.files(under: "status")
        try ws.write("manifests/broken.yaml", "apiVersion: calsync/v1\nkind: Tenant\nmetadata: { name: Bad }\nspec: {}\n")
        for command in [["plan"], ["reconcile"], ["apply", "--auto-approve"], ["drift"]] {
            let result = try await ws.calsync(command)
            #expect(result.exitCode == 1, "\(command)")
            #expect(result.stderr.contains("manifests/broken.yaml:3:19: error:"))
        }
        #expect(ws.files(under: "status") == before)
    }

    @Test func secretsNeverAppearInOutputOrFiles() async throws {
        // Given secret values in the environment the manifests reference
        let ws = try Workspace()
        try ws.copySampleManifests()
        let secrets = [
            "ACME_GOOGLE_CLIENT_SECRET": "GOCSPX-sekrit-google-1", "ACME_MS_CLIENT_SECRET": "ms-sekrit-2",
            "ACME_API_TOKEN": "tok-sekrit-3", "CALSYNC_OPS_SLACK_WEBHOOK": "https://hooks.slack.com/sekrit-4",
            "ACME_AUDIT_WEBHOOK_URL": "https://audit.example.com/sekrit-5", "ACME_AUDIT_WEBHOOK_SECRET": "hmac-sekrit-6",
            "GLOBEX_GOOGLE_CLIENT_SECRET": "GOCSPX-sekrit-7",
        ]
        ws.environment = secrets
        // When every command runs
        var outputs: [String] = []
        for command in [
            ["validate"], ["plan"], ["plan", "--json"], ["plan", "--format", "markdown"], ["plan", "--out", "plan.json"],
            ["reconcile"], ["status"], ["status", "-o", "json"], ["status", "-o", "yaml"], ["drift"], ["schema"],
        ] {
            let result = try await ws.calsync(command)
            outputs += [result.stdout, result.stderr]
        }
        // Then no secret value appears in any output or any file written
        var written = ws.files(under: "status").values.map { String(decoding: $0, as: UTF8.self) }
        written.append(ws.read("plan.json") ?? "")
        for file in ["state.db", "state.db-wal"] {
            if let data = FileManager.default.contents(atPath: ws.path + "/.calsync/" + file) {
                written.append(String(decoding: data, as: UTF8.self))
            }
        }
        for value in secrets.values {
            for text in outputs + written { #expect(!text.contains(value), "secret leaked: \(value)") }
        }
    }
}
