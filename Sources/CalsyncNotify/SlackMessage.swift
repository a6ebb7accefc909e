import CalsyncModel
import CalsyncState

/// The body of a Slack incoming-webhook POST: `{"text": "…"}` with one short, title-free line.
///
/// `calsync provider_deleted acme/google-main: acme/google-main deleted: 0 webhooks removed, …`:
/// the event type, the provider (or the tenant, for an event about a whole tenant) and the event's
/// message, which names events by id and never by title.
package enum SlackMessage {
    /// The line Slack shows.
    package static func text(_ entry: OutboxEntry) -> String {
        let event = entry.event
        let subject =
            event.provider.map { ProviderRef(tenant: event.tenant, provider: $0).description } ?? event.tenant.rawValue
        return "calsync \(event.type.rawValue) \(subject): \(event.message)"
    }

    /// The JSON body.
    package static func body(_ entry: OutboxEntry) -> String {
        "{\"text\":\(EventLine.quoted(text(entry)))}"
    }
}
