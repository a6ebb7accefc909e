/// The `orderBy` values of Google events.list.
enum GoogleEventOrder: String, Sendable {
    /// By start time; only with `singleEvents=true`.
    case startTime
    /// By last modification time.
    case updated
}
