import Foundation

/// One notification event, written to the state's outbox in the same transaction as the change it reports.
///
/// Never holds event titles, descriptions or attendees: events are named by id.
public struct NotificationEvent: Sendable, Hashable, Codable {
    public var type: NotificationEventType
    public var tenant: TenantName
    public var provider: ProviderName?
    public var at: Date
    /// A short, title-free text for people (counts, ids, the vendor's error text).
    public var message: String
    /// Two events with the same key are one notification (for example `conflict:<mapping>`).
    public var dedupeKey: String

    public init(
        type: NotificationEventType, tenant: TenantName, provider: ProviderName?, at: Date, message: String,
        dedupeKey: String
    ) {
        self.type = type
        self.tenant = tenant
        self.provider = provider
        self.at = at
        self.message = message
        self.dedupeKey = dedupeKey
    }
}
