/// A Microsoft Graph lifecycle notification.
public enum LifecycleEvent: String, Codable, Sendable, CaseIterable {
    /// The subscription needs `POST /subscriptions/{id}/reauthorize` (or a renewal).
    case reauthorizationRequired
    /// The subscription was removed; create a new one and resync.
    case subscriptionRemoved
    /// Notifications were missed; resync through delta.
    case missed
}
