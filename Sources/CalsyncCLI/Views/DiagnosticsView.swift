import CalsyncModel

/// Prints diagnostics, one `FILE:LINE:COLUMN: error: WHAT (WHY). FIX` line each, on standard error.
struct DiagnosticsView {
    let console: Console

    func render(_ diagnostics: [Diagnostic]) {
        for diagnostic in diagnostics { console.error(diagnostic.description) }
    }

    /// The closing line: `3 errors in 2 files.`
    func summary(_ diagnostics: [Diagnostic]) -> String {
        let errors = diagnostics.filter { $0.severity == .error }
        let files = Set(errors.map(\.location.file)).count
        return "\(count(errors.count, "error")) in \(count(files, "file"))."
    }
}

/// `1 tenant`, `2 tenants`.
func count(_ n: Int, _ noun: String, plural: String? = nil) -> String {
    "\(n) \(n == 1 ? noun : (plural ?? noun + "s"))"
}
