/// A Microsoft Graph change type, as subscriptions name them and notifications report them.
enum GraphChangeType: String, Sendable, CaseIterable {
    /// An event was created.
    case created
    /// An event was changed.
    case updated
    /// An event was deleted.
    case deleted
}
