/// An outbound POST the emulator made (push, notification, handshake).
public struct DeliveryRecord: Codable, Sendable, Equatable {
    /// What kind of message it was.
    public var kind: DeliveryKind
    /// Where it went.
    public var url: String
    /// The receiver's status; `nil` when it could not be reached.
    public var status: Int?
    /// Google resource state or Graph change type / lifecycle event.
    public var detail: String
}

/// Kinds of outbound messages.
public enum DeliveryKind: String, Codable, Sendable {
    /// A Google push message.
    case googlePush
    /// A Graph change notification.
    case graphNotification
    /// A Graph lifecycle notification.
    case graphLifecycle
    /// A Graph validation handshake.
    case graphValidation
}
