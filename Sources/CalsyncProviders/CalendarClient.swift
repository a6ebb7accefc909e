import CalsyncModel
import Foundation

/// A vendor calendar as resolved from a provider's `calendarId`.
public struct VendorCalendar: Sendable, Hashable {
    /// The vendor's id for it (Google resolves `primary` to the account's address).
    public var id: String
    public var name: String
    public var timeZone: String?

    public init(id: String, name: String, timeZone: String? = nil) {
        self.id = id
        self.name = name
        self.timeZone = timeZone
    }
}

/// One complete round of changes read from a vendor: every page up to the new cursor.
public struct ChangeSet: Sendable, Hashable {
    /// Events created, changed or deleted (`isDeleted`) since the cursor; every event in the window on a full read.
    public var events: [VendorEvent]
    /// Ids the vendor reported as gone from the window without being deleted (Graph `@removed` reason
    /// `changed`): never a deletion.
    public var leftWindow: [String]
    /// The cursor to read the next round from (Google `nextSyncToken`, Graph `deltaLink`).
    public var cursor: String
    /// Whether this round was a full read (no cursor was given).
    public var isFull: Bool

    public init(events: [VendorEvent], leftWindow: [String] = [], cursor: String, isFull: Bool) {
        self.events = events
        self.leftWindow = leftWindow
        self.cursor = cursor
        self.isFull = isFull
    }
}

/// A Google push channel or a Graph subscription.
public struct PushChannel: Sendable, Hashable {
    /// Google channel id (chosen by calsync) or Graph subscription id (chosen by Graph).
    public var id: String
    /// Google `resourceId`; nil at Graph.
    public var resourceID: String?
    public var expiresAt: Date

    public init(id: String, resourceID: String? = nil, expiresAt: Date) {
        self.id = id
        self.resourceID = resourceID
        self.expiresAt = expiresAt
    }
}

/// The cursor a change read started from is no longer valid (Google 410 `fullSyncRequired`, Graph 410
/// `SyncStateNotFound`/`resyncRequired`): read again without one.
public struct CursorExpired: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    public init(message: String) { self.message = message }
    public var description: String { "sync cursor expired: \(message)" }
}

/// One vendor's calendar API for one authorized account: the seam between the executor or sync
/// engine and Google Calendar v3 or Microsoft Graph.
///
/// Errors: `VendorError` for an error answer (404 when a calendar, event or channel is gone, 412 when
/// `If-Match` no longer matches), `CursorExpired`, `AuthorizationError.invalidGrant` when the grant is
/// gone, `TransportError`/`RetryError` when no answer came in time.
public protocol CalendarClient: Sendable {
    var vendor: Vendor { get }

    /// Resolves `calendarId` (`primary` at Google, `calendar` at Graph, or a vendor id) and checks it answers.
    func calendar(_ calendarId: String) async throws -> VendorCalendar

    /// Reads one complete round of changes; a full read of the events overlapping `window` when `cursor` is nil.
    func changes(calendarId: String, cursor: String?, window: DateInterval) async throws -> ChangeSet

    /// The event with `id`, nil when it does not exist (deleted events come back with `isDeleted`).
    func event(calendarId: String, id: String) async throws -> VendorEvent?

    /// The event carrying `stamp`, if the vendor has one (a create whose answer was lost).
    func event(calendarId: String, stampedWith stamp: OwnershipStamp) async throws -> VendorEvent?

    /// Creates an event; sending it twice with the same `idempotencyKey` creates one event (Google:
    /// the key is the client-chosen event id; Graph: `transactionId`).
    func createEvent(calendarId: String, _ draft: EventDraft, idempotencyKey: String) async throws -> VendorEvent

    /// Creates several events, each as `createEvent` would, and returns one result per draft, in order.
    ///
    /// Added to the seam so a first sync of many entries can use Graph's JSON batching (20 creates per
    /// request) instead of one request each; the default implementation creates them one at a time.
    /// One failed create does not stop the others: it is that draft's `.failure`. The call itself
    /// throws only when nothing more can succeed (`AuthorizationError.invalidGrant`, cancellation).
    func createEvents(calendarId: String, _ drafts: [(EventDraft, idempotencyKey: String)]) async throws
        -> [Result<VendorEvent, any Error>]

    /// PATCHes the fields calsync manages; with `ifMatch`, a 412 `VendorError` when the event moved.
    func updateEvent(calendarId: String, id: String, _ draft: EventDraft, ifMatch: String?) async throws -> VendorEvent

    /// Deletes an event; an event already gone is not an error.
    func deleteEvent(calendarId: String, id: String, ifMatch: String?) async throws

    /// Opens a push channel (Google `events.watch` with `channelID`, Graph `POST /subscriptions`, which
    /// chooses its own id) delivering to `address`; `secret` is the channel token or `clientState`.
    func watch(calendarId: String, channelID: String, address: URL, secret: Secret, expiresAt: Date) async throws
        -> PushChannel

    /// Extends a Graph subscription (PATCH); 404 `VendorError` when it is gone. Google has no renewal:
    /// callers open a new channel, then stop the old one.
    func renew(_ channel: PushChannel, expiresAt: Date) async throws -> PushChannel

    /// Stops a channel or deletes a subscription; one already gone is not an error.
    func stop(_ channel: PushChannel) async throws
}

extension CalendarClient {
    /// Creates the events one at a time with `createEvent`.
    public func createEvents(calendarId: String, _ drafts: [(EventDraft, idempotencyKey: String)]) async throws
        -> [Result<VendorEvent, any Error>]
    {
        var results: [Result<VendorEvent, any Error>] = []
        results.reserveCapacity(drafts.count)
        for (draft, key) in drafts {
            do {
                results.append(.success(try await createEvent(calendarId: calendarId, draft, idempotencyKey: key)))
            } catch let error where CalendarClients.stopsBatch(error) {
                throw error
            } catch {
                results.append(.failure(error))
            }
        }
        return results
    }
}
