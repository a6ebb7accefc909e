/// Which vendor a seeded app, account or calendar belongs to.
public enum Vendor: String, Codable, Sendable, CaseIterable {
    /// Google Calendar v3 and Google OAuth.
    case google
    /// Microsoft Graph and the Microsoft identity platform.
    case microsoft
}

/// What the authorize endpoint does for an account.
public enum ConsentDecision: String, Codable, Sendable {
    /// Consent completes at once: 302 to the redirect URI with a code.
    case grant
    /// The user refuses: 302 to the redirect URI with `error=access_denied`.
    case deny
}

/// A whole emulator world in one document, accepted by `POST /_control/seed`.
public struct EmulatorFixture: Codable, Sendable {
    /// OAuth client registrations.
    public var apps: [OAuthAppFixture]
    /// Users and their calendars.
    public var accounts: [AccountFixture]

    /// Creates a fixture.
    public init(apps: [OAuthAppFixture] = [], accounts: [AccountFixture] = []) {
        self.apps = apps
        self.accounts = accounts
    }
}

/// An OAuth client registration.
public struct OAuthAppFixture: Codable, Sendable {
    /// The vendor the app is registered with.
    public var vendor: Vendor
    /// The client id.
    public var clientId: String
    /// The client secret; `nil` makes a public client (Microsoft) that must not send one.
    public var clientSecret: String?
    /// Registered redirect URIs; loopback ones accept any port.
    public var redirectUris: [String]

    /// Creates an app registration.
    public init(vendor: Vendor, clientId: String, clientSecret: String?, redirectUris: [String]) {
        self.vendor = vendor
        self.clientId = clientId
        self.clientSecret = clientSecret
        self.redirectUris = redirectUris
    }
}

/// A user account and its calendars.
public struct AccountFixture: Codable, Sendable {
    /// The vendor the account lives at.
    public var vendor: Vendor
    /// Sign-in address; Google's primary calendar id and Graph's userPrincipalName.
    public var email: String
    /// Stable user id; generated when omitted.
    public var id: String?
    /// Display name.
    public var displayName: String?
    /// What the authorize endpoint does for this account; `grant` when omitted.
    public var consent: ConsentDecision?
    /// Calendars; the first is the primary/default one when none is marked.
    public var calendars: [CalendarFixture]

    /// Creates an account.
    public init(
        vendor: Vendor, email: String, id: String? = nil, displayName: String? = nil, consent: ConsentDecision? = nil,
        calendars: [CalendarFixture] = []
    ) {
        self.vendor = vendor
        self.email = email
        self.id = id
        self.displayName = displayName
        self.consent = consent
        self.calendars = calendars
    }
}

/// A calendar and the events it starts with.
public struct CalendarFixture: Codable, Sendable {
    /// Calendar id; Google's primary calendar is the account's email, others are generated when omitted.
    public var id: String?
    /// Display name (Google `summary`, Graph `name`).
    public var name: String
    /// IANA time zone; `UTC` when omitted.
    public var timeZone: String?
    /// Whether this is the primary (Google) or default (Graph) calendar.
    public var isDefault: Bool?
    /// Events in the vendor's own JSON shape.
    public var events: [JSONValue]?

    /// Creates a calendar.
    public init(
        id: String? = nil, name: String, timeZone: String? = nil, isDefault: Bool? = nil, events: [JSONValue]? = nil
    ) {
        self.id = id
        self.name = name
        self.timeZone = timeZone
        self.isDefault = isDefault
        self.events = events
    }
}
