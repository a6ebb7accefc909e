/// One problem found in the manifests or the configuration, with where, what, why and how to fix it.
///
/// Rendered exactly as `FILE:LINE:COLUMN: error: WHAT (WHY). FIX`.
public struct Diagnostic: Error, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// How serious the problem is.
    public enum Severity: String, Sendable, Hashable {
        /// The manifests cannot be used until this is fixed.
        case error
        /// Worth a look; the manifests remain usable.
        case warning
    }

    public var severity: Severity
    public var location: SourceLocation
    /// What is wrong, naming the object and quoting the user's value (never a secret).
    public var what: String
    /// The rule that is broken.
    public var why: String
    /// An instruction that fixes it.
    public var fix: String
    /// A stable identifier of the rule, for tests and docs.
    public var code: DiagnosticCode

    public init(
        _ code: DiagnosticCode, at location: SourceLocation, what: String, why: String, fix: String,
        severity: Severity = .error
    ) {
        self.code = code
        self.location = location
        self.what = what
        self.why = why
        self.fix = fix
        self.severity = severity
    }

    public var description: String {
        let end = fix.last.map { ".!?".contains($0) } == true ? "" : "."
        return "\(location): \(severity.rawValue): \(what) (\(why)). \(fix)\(end)"
    }

    public static func < (lhs: Diagnostic, rhs: Diagnostic) -> Bool {
        if lhs.location != rhs.location { return lhs.location < rhs.location }
        return (lhs.code.rawValue, lhs.what) < (rhs.code.rawValue, rhs.what)
    }
}

/// The rule a diagnostic reports; raw values are stable and documented in docs/manifests.md.
public enum DiagnosticCode: String, Sendable, Hashable, CaseIterable {
    /// The file is not well-formed YAML.
    case malformedYAML = "malformed-yaml"
    /// The file could not be read, is not UTF-8 text, or is too large.
    case unreadableFile = "unreadable-file"
    /// The YAML is nested too deeply, uses too many nodes, or combines aliases with complex keys.
    case tooComplex = "too-complex"
    /// A path argument holds no manifest at all.
    case noManifests = "no-manifests"
    /// `apiVersion` is not `calsync/v1`.
    case unknownAPIVersion = "unknown-api-version"
    /// `kind` is not one of the known kinds.
    case unknownKind = "unknown-kind"
    /// A field that the kind does not define.
    case unknownField = "unknown-field"
    /// A value of the wrong YAML type.
    case wrongType = "wrong-type"
    /// A required field is absent.
    case missingField = "missing-field"
    /// A name that is not a DNS label.
    case invalidName = "invalid-name"
    /// A value outside its enumeration or format.
    case invalidValue = "invalid-value"
    /// A number or duration outside its range.
    case outOfRange = "out-of-range"
    /// A secret written inline instead of as an `env`/`file` reference.
    case literalSecret = "literal-secret"
    /// Two tenants with one name.
    case duplicateTenant = "duplicate-tenant"
    /// Two providers with one name in one tenant.
    case duplicateProvider = "duplicate-provider"
    /// Two notification channels with one name.
    case duplicateChannel = "duplicate-channel"
    /// A provider or channel names a tenant that no manifest declares.
    case undeclaredTenant = "undeclared-tenant"
    /// A provider's vendor has no OAuth app in its tenant.
    case missingOAuthApp = "missing-oauth-app"
    /// A `Config` document among the manifests.
    case misplacedConfig = "misplaced-config"
}
