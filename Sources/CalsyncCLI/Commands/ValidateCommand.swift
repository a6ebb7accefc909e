import ArgumentParser
import CalsyncManifest
import CalsyncModel
import Foundation

/// `calsync validate [PATHS]`: checks manifests without state or network.
struct ValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check manifests: every problem at once, as FILE:LINE:COLUMN: error: WHAT (WHY). FIX.",
        discussion: "Needs no state and no network. Exit 0 when valid, 1 when any problem is found."
    )

    @Argument(help: ArgumentHelp("Manifest files or directories (default: manifests/).", valueName: "paths"))
    var paths: [String] = []

    @OptionGroup var configOptions: ConfigOptions

    func run() async throws {
        let environment = ProcessEnvironment.current
        let console = Console(environment: environment)
        let view = DiagnosticsView(console: console)
        var diagnostics: [Diagnostic] = []
        if let (path, explicit) = configOptions.configFile(environment: environment) {
            if explicit && !FileManager.default.fileExists(atPath: path) {
                console.error("error: configuration file \"\(path)\" does not exist (named by --config or CALSYNC_CONFIG). Correct the path.")
                throw ExitCode(1)
            }
            diagnostics += ManifestLoader.loadConfig(file: path).diagnostics
        }
        let set = ManifestLoader.load(paths: paths.isEmpty ? ["manifests/"] : paths)
        diagnostics += set.diagnostics
        diagnostics.sort()
        view.render(diagnostics)
        if diagnostics.contains(where: { $0.severity == .error }) {
            console.error(view.summary(diagnostics))
            throw ExitCode(1)
        }
        let desired = set.desired ?? DesiredState()
        console.output(
            "Valid: \(count(set.files.count, "file")), \(count(desired.tenants.count, "tenant")), "
                + "\(count(desired.providers.count, "provider")), "
                + "\(count(desired.channels.count, "notification channel")).")
    }
}
