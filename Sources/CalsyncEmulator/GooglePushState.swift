/// The `X-Goog-Resource-State` of a Google push message.
enum GooglePushState: String, Sendable {
    /// Sent once, as message 1, when a channel opens.
    case sync
    /// Sent on every creation, change or deletion of a watched event.
    case exists
}
