/// A problem found in a value before its file and line are known.
///
/// Value parsers throw it; the parser turns it into an `ICalError` at the property's line.
struct ValueProblem: Error, Sendable, Equatable {
    /// Which rule was broken.
    let code: ICalError.Code
    /// What is wrong, quoting the offending value.
    let what: String
    /// The rule that it breaks.
    let why: String
    /// An instruction that fixes it.
    let fix: String

    /// Places the problem at `line` of `fileName`.
    func located(fileName: String, line: Int) -> ICalError {
        ICalError(fileName: fileName, line: line, code: code, what: what, why: why, fix: fix)
    }
}
