import ArgumentParser
import CalsyncManifest

/// `calsync schema`: the JSON Schema of every manifest kind.
struct SchemaCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schema",
        abstract: "Print the JSON Schema (draft 2020-12) of all manifest kinds, Config included.",
        discussion: "For editors: `# yaml-language-server: $schema=calsync.schema.json` at the top of a manifest."
    )

    func run() async throws {
        Console(environment: ProcessEnvironment.current).output(ManifestSchema.document.rendered())
    }
}
