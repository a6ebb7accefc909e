import Foundation

/// A Microsoft Graph change-notification subscription.
struct GraphSubscription: Sendable {
    let id: String
    let userID: String
    /// The watched calendar.
    let calendarID: String
    let resource: String
    let changeTypes: [GraphChangeType]
    let notificationURL: String
    let lifecycleNotificationURL: String?
    let clientState: String?
    let applicationID: String
    var expiration: Date
    var isRemoved = false

    /// Whether it exists and has not expired at `now`.
    func isLive(at now: Date) -> Bool {
        !isRemoved && expiration > now
    }

    /// The resource as the subscriptions endpoints return it.
    func resource(baseURL: String) -> JSONValue {
        [
            "@odata.context": .string("\(baseURL)/graph/v1.0/$metadata#subscriptions/$entity"),
            "id": .string(id),
            "resource": .string(resource),
            "applicationId": .string(applicationID),
            "changeType": .string(changeTypes.map(\.rawValue).joined(separator: ",")),
            "clientState": clientState.map(JSONValue.string) ?? .null,
            "notificationUrl": .string(notificationURL),
            "lifecycleNotificationUrl": lifecycleNotificationURL.map(JSONValue.string) ?? .null,
            "expirationDateTime": .string(DateFormats.graphTimestamp(expiration)),
            "creatorId": .string(userID),
            "latestSupportedTlsVersion": "v1_2",
            "includeResourceData": .null,
            "encryptionCertificate": .null,
            "encryptionCertificateId": .null,
            "notificationQueryOptions": .null,
            "notificationUrlAppId": .null,
        ]
    }
}
