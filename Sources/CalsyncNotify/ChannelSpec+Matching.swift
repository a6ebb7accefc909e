import CalsyncModel

extension ChannelSpec {
    /// Whether the channel hears about `event`: its `events` list holds the event's type, and its
    /// `tenants` hold the event's tenant (or are `"*"`).
    package func matches(_ event: NotificationEvent) -> Bool {
        events.contains(event.type) && tenants.matches(event.tenant)
    }
}
