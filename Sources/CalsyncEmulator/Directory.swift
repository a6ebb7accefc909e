import Foundation

/// A seeded user.
struct Account: Sendable {
    let vendor: Vendor
    let id: String
    let email: String
    var displayName: String
    var consent: ConsentDecision
}

/// A seeded calendar and its cursor bookkeeping.
struct CalendarRecord: Sendable {
    let vendor: Vendor
    let id: String
    let ownerID: String
    var name: String
    var timeZone: String
    var isDefault: Bool
    /// The revision of the latest change to any of its events.
    var lastRevision: Int = 0
    /// Bumped to invalidate every sync token or delta link issued so far.
    var cursorGeneration: Int = 0

    /// The calendar's time zone, UTC when the name is unknown.
    var zone: TimeZone {
        TimeZone(identifier: timeZone) ?? TimeZone(secondsFromGMT: 0) ?? .current
    }
}

/// Identifies a calendar across both vendors.
struct CalendarKey: Hashable, Sendable {
    let vendor: Vendor
    let id: String
}

/// Users, calendars and OAuth apps.
struct Directory: Sendable {
    var apps: [String: OAuthApp] = [:]
    var accounts: [String: Account] = [:]
    /// Account ids in the order they were seeded.
    var accountOrder: [String] = []
    var calendars: [CalendarKey: CalendarRecord] = [:]

    /// The account with sign-in address `email` at `vendor`.
    func account(vendor: Vendor, email: String) -> Account? {
        accounts.values.first { $0.vendor == vendor && $0.email.lowercased() == email.lowercased() }
    }

    /// The account with `idOrEmail` as id or sign-in address.
    func account(vendor: Vendor, idOrEmail: String) -> Account? {
        if let account = accounts[idOrEmail], account.vendor == vendor { return account }
        return account(vendor: vendor, email: idOrEmail)
    }

    /// The first seeded account at `vendor`, or the one signing in as `hint`.
    func signInAccount(vendor: Vendor, hint: String?) -> Account? {
        if let hint, !hint.isEmpty { return account(vendor: vendor, idOrEmail: hint) }
        return accountOrder.lazy.compactMap { accounts[$0] }.first { $0.vendor == vendor }
    }

    /// The calendars an account owns, default first.
    func calendars(ownedBy accountID: String) -> [CalendarRecord] {
        calendars.values.filter { $0.ownerID == accountID }
            .sorted { ($0.isDefault ? 0 : 1, $0.id) < ($1.isDefault ? 0 : 1, $1.id) }
    }

    /// The account's primary/default calendar.
    func defaultCalendar(of accountID: String) -> CalendarRecord? {
        calendars(ownedBy: accountID).first
    }
}

/// A registered OAuth client.
struct OAuthApp: Sendable {
    let vendor: Vendor
    let clientID: String
    let clientSecret: String?
    let redirectURIs: [String]

    /// Whether `candidate` matches a registered URI: exactly, or, for a registered loopback
    /// URI (`http` on 127.0.0.1, localhost or [::1]), with any port.
    func accepts(redirectURI candidate: String) -> Bool {
        redirectURIs.contains { registered in
            if registered == candidate { return true }
            guard let want = URLComponents(string: registered), let got = URLComponents(string: candidate),
                want.scheme == "http", got.scheme == "http",
                let host = want.host, ["127.0.0.1", "localhost", "[::1]", "::1"].contains(host),
                got.host == host
            else { return false }
            let wantPath = want.path.isEmpty ? "/" : want.path
            let gotPath = got.path.isEmpty ? "/" : got.path
            return wantPath == gotPath && want.query == got.query
        }
    }
}
