import CalsyncModel
import CalsyncProviders
import CalsyncState
import CalsyncStatus
import Foundation

/// The tenant HTTP API (SPEC section 10): `/api/v1/tenants/{tenant}/entries` and `/providers`,
/// authenticated by the tenant's `apiToken` as `Authorization: Bearer TOKEN`.
extension ServerHandlers {
    /// The tenant the request may act on: the path's tenant, when the bearer token is that tenant's.
    ///
    /// - Throws: 401 without a bearer token or with one no tenant has; 403 `Forbidden` with another
    ///   tenant's token; 403 `ApiClosed` when the path's tenant has no usable `apiToken`.
    func authenticate(_ request: ServerRequest, tenant raw: String) throws -> TenantName {
        guard let token = request.bearerToken else {
            throw APIError.unauthorized("send the tenant's API token as Authorization: Bearer TOKEN.")
        }
        let tenants: [TenantSpec]
        do {
            tenants = try store.declaredTenants()
        } catch {
            logger.error("cannot read tenants from the state", metadata: ["error": "\(error)"])
            throw APIError.unavailable("the state cannot be read now. Retry later.")
        }
        var matched: TenantName?
        var targetIsClosed = false
        // Every tenant's token is compared, whichever matches, so the time taken tells nothing.
        for spec in tenants {
            guard let reference = spec.apiToken else {
                if spec.name.rawValue == raw { targetIsClosed = true }
                continue
            }
            do throws(SecretResolutionError) {
                let secret = try reference.resolve(
                    environment: configuration.environment, purpose: "the API token of tenant \(spec.name)")
                if ConstantTime.equals(token, secret) { matched = spec.name }
            } catch {
                logger.warning(
                    "a tenant's API token cannot be read; its API stays closed",
                    metadata: ["tenant": "\(spec.name)", "reason": "\(error.message)"])
                if spec.name.rawValue == raw { targetIsClosed = true }
            }
        }
        if let matched {
            guard matched.rawValue == raw else {
                throw APIError.forbidden(
                    "Forbidden: the token is tenant \"\(matched)\"'s; it cannot act on tenant \"\(raw)\". Use \(matched)'s own path.")
            }
            return matched
        }
        if targetIsClosed {
            throw APIError(
                status: 403, code: "ApiClosed",
                message: "tenant \"\(raw)\" has no usable apiToken, so its HTTP API is closed. Set spec.apiToken in its manifest (and the secret it names on the server), then reconcile.")
        }
        throw APIError.unauthorized("the token is not valid for tenant \"\(raw)\".")
    }

    /// `GET .../entries?from=&to=`: `{"entries": [...]}`, as `calsync entries list -o json` prints it.
    func listEntries(_ request: ServerRequest, tenant raw: String) throws -> ServerResponse {
        let tenant = try authenticate(request, tenant: raw)
        func bound(_ name: String) throws -> Date? {
            guard let text = request.query(name) else { return nil }
            guard let time = EntryTime(parsing: text) else {
                throw APIError.badRequest("\(name)=\(text) is not a time. Write RFC 3339 (2026-11-24T10:00:00Z) or a date.")
            }
            return time.orderingInstant
        }
        let (from, to) = (try bound("from"), try bound("to"))
        let entries = try entryCall { try store.entries(tenant: tenant, from: from, to: to) }
        return .json(200, EntryJSON.list(entries))
    }

    /// `POST .../entries`: stores an entry (without `id`/`version`) and answers 201 with it.
    func createEntry(_ request: ServerRequest, tenant raw: String) throws -> ServerResponse {
        let tenant = try authenticate(request, tenant: raw)
        let input = try EntryInput.parse(request.body)
        let changes = input.changes
        guard let title = changes.title, let start = changes.start, let end = changes.end else {
            throw APIError.badRequest("an entry needs \"title\", \"start\" and \"end\".")
        }
        let entry = Entry(
            id: EntryID(rawValue: newEntryID()), tenant: tenant, title: title, description: changes.description,
            location: changes.location, start: start, end: end, timeZone: changes.timeZone, updatedAt: now(), origin: "local")
        if let problem = EntryRules.problem(with: entry) {
            throw APIError.badRequest("the entry is malformed: \(problem). Correct the body.")
        }
        let stored = try entryCall { try store.addEntry(entry) }
        return .json(
            201, EntryJSON.entry(stored),
            headers: [("Location", "/api/v1/tenants/\(tenant)/entries/\(stored.id)"), ("ETag", "\"\(stored.version)\"")])
    }

    /// `GET .../entries/{id}`.
    func getEntry(_ request: ServerRequest, tenant raw: String, id: String) throws -> ServerResponse {
        let tenant = try authenticate(request, tenant: raw)
        let entry = try entryCall { try store.entry(EntryID(rawValue: id), tenant: tenant) }
        return .json(200, EntryJSON.entry(entry), headers: [("ETag", "\"\(entry.version)\"")])
    }

    /// `PATCH .../entries/{id}`: changes the fields given; `If-Match: VERSION` makes it conditional (412).
    func updateEntry(_ request: ServerRequest, tenant raw: String, id: String) throws -> ServerResponse {
        let tenant = try authenticate(request, tenant: raw)
        let version = try ifMatch(request)
        let input = try EntryInput.parse(request.body)
        guard !input.changes.isEmpty else {
            throw APIError.badRequest("the body changes nothing. Send the fields to change, e.g. {\"title\": ...}.")
        }
        let entry = try entryCall {
            try store.updateEntry(EntryID(rawValue: id), tenant: tenant, changes: input.changes, ifVersion: version, now: now())
        }
        return .json(200, EntryJSON.entry(entry), headers: [("ETag", "\"\(entry.version)\"")])
    }

    /// `DELETE .../entries/{id}`: 204; `If-Match: VERSION` makes it conditional (412).
    func deleteEntry(_ request: ServerRequest, tenant raw: String, id: String) throws -> ServerResponse {
        let tenant = try authenticate(request, tenant: raw)
        let version = try ifMatch(request)
        try entryCall { try store.deleteEntry(EntryID(rawValue: id), tenant: tenant, ifVersion: version) }
        return .empty(204)
    }

    /// `GET .../providers`: `{"providers": [card, ...]}`, as `calsync status -o json` prints them.
    func providers(_ request: ServerRequest, tenant raw: String) throws -> ServerResponse {
        let tenant = try authenticate(request, tenant: raw)
        let cards = try entryCall { try seams.providerCards(tenant) }
        return .json(200, rendered: StatusJSON.render(cards) + "\n")
    }

    /// The version `If-Match` names (`3`, `"3"` or `W/"3"`); nil without the header or with `*`.
    private func ifMatch(_ request: ServerRequest) throws -> Int? {
        guard var value = request.header("if-match")?.trimmingCharacters(in: .whitespaces), value != "*" else { return nil }
        if value.hasPrefix("W/") { value.removeFirst(2) }
        value = value.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
        guard let version = Int(value), version > 0 else {
            throw APIError.badRequest("If-Match must name an entry version, such as If-Match: 3.")
        }
        return version
    }

    /// Runs a store call, turning entry refusals into their HTTP answers and state failures into 503.
    private func entryCall<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as EntryError {
            switch error.kind {
            case .unknownTenant, .notFound: throw APIError.notFound(error.message)
            case .forbidden: throw APIError.forbidden("Forbidden: \(error.message)")
            case .versionMismatch: throw APIError.preconditionFailed("\(error.message). Read the entry again and retry with its version.")
            case .invalid: throw APIError.badRequest(error.message)
            }
        } catch let error as APIError {
            throw error
        } catch {
            logger.error("state call failed", metadata: ["error": "\(error)"])
            throw APIError.unavailable("the state cannot be read or written now. Retry later.")
        }
    }

    /// A random version-4 UUID in lower case, from the injected random source.
    private func newEntryID() -> String {
        var bytes = random.bytes(count: 16)
        bytes[6] = (bytes[6] & 0x0F) | 0x40
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let parts = [hex.prefix(8), hex.dropFirst(8).prefix(4), hex.dropFirst(12).prefix(4), hex.dropFirst(16).prefix(4), hex.dropFirst(20)]
        return parts.joined(separator: "-")
    }
}
