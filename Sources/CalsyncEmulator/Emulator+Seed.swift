import Foundation

extension Emulator {
    /// Adds everything in `fixture`; existing apps and accounts with the same ids are replaced.
    public func seed(_ fixture: EmulatorFixture) throws {
        for app in fixture.apps { addApp(app) }
        for account in fixture.accounts { try addAccount(account) }
    }

    /// Registers an OAuth client.
    func addApp(_ app: OAuthAppFixture) {
        directory.apps[app.clientId] = OAuthApp(
            vendor: app.vendor, clientID: app.clientId, clientSecret: app.clientSecret, redirectURIs: app.redirectUris)
    }

    /// Adds an account with its calendars and their events.
    func addAccount(_ fixture: AccountFixture) throws {
        let id = fixture.id ?? (fixture.vendor == .google ? random.string(length: 21, alphabet: "0123456789") : random.uuid())
        let account = Account(
            vendor: fixture.vendor, id: id, email: fixture.email,
            displayName: fixture.displayName ?? fixture.email, consent: fixture.consent ?? .grant)
        if directory.accounts[id] == nil { directory.accountOrder.append(id) }
        directory.accounts[id] = account
        let markedDefault = fixture.calendars.contains { $0.isDefault == true }
        for (index, calendar) in fixture.calendars.enumerated() {
            try addCalendar(calendar, to: account, isDefault: calendar.isDefault ?? (!markedDefault && index == 0))
        }
    }

    /// Adds a calendar (and its events) to an account; returns the calendar id.
    @discardableResult
    func addCalendar(_ calendar: CalendarFixture, to account: Account, isDefault: Bool) throws -> String {
        let calendarID: String
        switch (account.vendor, calendar.id) {
        case (_, .some(let given)): calendarID = given
        case (.google, nil):
            calendarID = isDefault
                ? account.email : random.string(length: 26, alphabet: Alphabet.base32hex) + "@group.calendar.google.com"
        case (.microsoft, nil): calendarID = "AAMkAG" + random.string(length: 40, alphabet: Alphabet.alphanumeric) + "AAA="
        }
        if isDefault {
            for other in directory.calendars(ownedBy: account.id) {
                directory.calendars[CalendarKey(vendor: other.vendor, id: other.id)]?.isDefault = false
            }
        }
        let record = CalendarRecord(
            vendor: account.vendor, id: calendarID, ownerID: account.id, name: calendar.name,
            timeZone: calendar.timeZone ?? "UTC", isDefault: isDefault)
        directory.calendars[CalendarKey(vendor: account.vendor, id: calendarID)] = record
        for event in calendar.events ?? [] {
            _ = try createEventAsUser(vendor: account.vendor, calendarID: calendarID, body: event)
        }
        return calendarID
    }

    /// Creates an event as the calendar's owner would in the vendor's own app.
    func createEventAsUser(vendor: Vendor, calendarID: String, body: JSONValue) throws -> JSONValue {
        guard let calendar = directory.calendars[CalendarKey(vendor: vendor, id: calendarID)],
            let object = body.objectValue
        else { throw PlainError(response: .json(404, ["error": .string("unknown \(vendor.rawValue) calendar \(calendarID)")])) }
        let owner = directory.accounts[calendar.ownerID]
        switch vendor {
        case .google:
            var fields = object.filter { !GoogleEvent.serverManagedKeys.contains($0.key) }
            let id = fields.removeValue(forKey: "id")?.stringValue
            let event = try googleInsert(into: calendar, body: fields, eventID: id)
            return rawGoogle(event, calendar: calendar, ownerEmail: owner?.email ?? "")
        case .microsoft:
            let event = try graphCreate(in: calendar, body: object)
            return rawGraph(event)
        }
    }

    /// An event resource plus what the vendors hide: deletion, revision, every extended property.
    func rawGoogle(_ event: GoogleEvent, calendar: CalendarRecord, ownerEmail: String) -> JSONValue {
        var object = GoogleEvent(
            id: event.id, calendarID: event.calendarID, fields: event.fields, isDeleted: false, revision: event.revision,
            created: event.created, updated: event.updated
        ).resource(calendar: calendar, ownerEmail: ownerEmail).objectValue ?? [:]
        object["status"] = .string(event.status)
        object["deleted"] = .bool(event.isDeleted)
        object["revision"] = .int(event.revision)
        return .object(object)
    }

    /// A Graph event with all extended properties, deletion and revision.
    func rawGraph(_ event: GraphEvent) -> JSONValue {
        var object = event.resource(userID: "", expanding: ["*"]).objectValue ?? [:]
        object["singleValueExtendedProperties"] = .array(
            event.extendedProperties.values.sorted { $0.id < $1.id }.map { ["id": .string($0.id), "value": .string($0.value)] })
        object["deleted"] = .bool(event.isDeleted)
        object["revision"] = .int(event.revision)
        return .object(object)
    }
}
