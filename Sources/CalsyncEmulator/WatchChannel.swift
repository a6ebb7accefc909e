import Foundation

/// A Google push notification channel created by events.watch.
struct WatchChannel: Sendable {
    let id: String
    let resourceID: String
    let calendarID: String
    let accountID: String
    let address: String
    let token: String?
    let resourceURI: String
    var expiration: Date
    /// The number of the last message sent; the sync message is 1.
    var messageNumber = 0
    var isStopped = false

    /// Whether pushes still go out at `now`.
    func isLive(at now: Date) -> Bool {
        !isStopped && expiration > now
    }
}
