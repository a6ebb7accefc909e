import Foundation

/// The state behind a Graph `$skiptoken` or `$deltatoken`.
struct GraphDeltaCursor: Codable, Sendable {
    /// Calendar id.
    let c: String
    /// Calendar cursor generation.
    let g: Int
    /// Window start and end (seconds since 1970).
    let s: Double
    let e: Double
    /// Revision the round reports changes after; `nil` for the initial round.
    let f: Int?
    /// Revision this round completes at; the next delta link starts there.
    let r: Int
    /// Id of the last event returned in this round.
    let a: String
}

extension Emulator {
    /// `calendarView/delta`: initial round, paging, later rounds with `@removed`.
    func graphDelta(calendar: CalendarRecord, request: EmulatorRequest, origin: String) throws -> EmulatorResponse {
        var cursor: GraphDeltaCursor
        if let token = request.queryValue("$deltatoken") {
            guard let saved = OpaqueToken.decode(GraphDeltaCursor.self, from: token, prefix: "D."), saved.c == calendar.id,
                saved.g == calendar.cursorGeneration
            else { throw GraphError.syncStateNotFound }
            cursor = GraphDeltaCursor(c: saved.c, g: saved.g, s: saved.s, e: saved.e, f: saved.r, r: calendar.lastRevision, a: "")
        } else if let token = request.queryValue("$skiptoken") {
            guard let saved = OpaqueToken.decode(GraphDeltaCursor.self, from: token, prefix: "S."), saved.c == calendar.id,
                saved.g == calendar.cursorGeneration
            else { throw GraphError.syncStateNotFound }
            cursor = saved
        } else {
            let utc = TimeZone(secondsFromGMT: 0) ?? .current
            func bound(_ name: String) -> Date? {
                request.queryValue(name).flatMap { DateFormats.parseRFC3339($0, defaultZone: utc) }
            }
            guard let start = bound("startDateTime"), let end = bound("endDateTime") else {
                throw GraphError(
                    status: 400, code: "ErrorInvalidParameter",
                    message: "This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.")
            }
            for name in ["$select", "$expand", "$filter", "$orderby", "$search"] where request.queryValue(name) != nil {
                throw GraphError(status: 400, code: "ErrorInvalidUrlQuery", message: "The following parameters are not supported with change tracking over the 'CalendarView' resource: '\(name)'.")
            }
            cursor = GraphDeltaCursor(
                c: calendar.id, g: calendar.cursorGeneration, s: start.timeIntervalSince1970, e: end.timeIntervalSince1970,
                f: nil, r: calendar.lastRevision, a: "")
        }
        let windowStart = Date(timeIntervalSince1970: cursor.s)
        let windowEnd = Date(timeIntervalSince1970: cursor.e)
        func inWindow(_ start: Date, _ end: Date) -> Bool { start < windowEnd && end > windowStart }

        var items: [(id: String, value: JSONValue)] = []
        for event in (graphEvents[calendar.id] ?? [:]).values {
            if let occurrences = event.occurrences(userID: calendar.ownerID, windowStart: windowStart, windowEnd: windowEnd) {
                if let from = cursor.f, event.revision <= from { continue }
                // An occurrence changed or deleted on its own is an event of its own (an exception).
                for occurrence in occurrences where occurrence.id > cursor.a && graphEvents[calendar.id]?[occurrence.id] == nil {
                    if event.isDeleted {
                        if cursor.f != nil { items.append((occurrence.id, Self.removed(occurrence.id, reason: "deleted"))) }
                    } else {
                        items.append(occurrence)
                    }
                }
                continue
            }
            guard event.id > cursor.a else { continue }
            if let from = cursor.f {
                guard event.revision > from else { continue }
                if event.isDeleted {
                    items.append((event.id, Self.removed(event.id, reason: "deleted")))
                } else if inWindow(event.start, event.end) {
                    items.append((event.id, event.resource(userID: calendar.ownerID, expanding: nil)))
                } else if let before = event.span(atRevision: from), inWindow(before.start, before.end) {
                    items.append((event.id, Self.removed(event.id, reason: "changed")))
                }
            } else if !event.isDeleted && inWindow(event.start, event.end) {
                items.append((event.id, event.resource(userID: calendar.ownerID, expanding: nil)))
            }
        }
        items.sort { $0.id < $1.id }
        let requestedSize = Self.maxPageSize(request.header("prefer"))
        let pageSize = requestedSize ?? configuration.deltaDefaultPageSize
        let page = Array(items.prefix(pageSize))
        var body: [String: JSONValue] = [
            "@odata.context": .string("\(origin)/graph/v1.0/$metadata#Collection(event)"),
            "value": .array(page.map(\.value)),
        ]
        if items.count > pageSize, let last = page.last {
            let next = GraphDeltaCursor(c: cursor.c, g: cursor.g, s: cursor.s, e: cursor.e, f: cursor.f, r: cursor.r, a: last.id)
            body["@odata.nextLink"] = .string("\(origin)\(request.path)?$skiptoken=\(OpaqueToken.encode(next, prefix: "S."))")
        } else {
            let done = GraphDeltaCursor(c: cursor.c, g: cursor.g, s: cursor.s, e: cursor.e, f: nil, r: cursor.r, a: "")
            body["@odata.deltaLink"] = .string("\(origin)\(request.path)?$deltatoken=\(OpaqueToken.encode(done, prefix: "D."))")
        }
        let headers: [(name: String, value: String)] = requestedSize.map { [("Preference-Applied", "odata.maxpagesize=\($0)")] } ?? []
        return .json(200, .object(body), headers: headers)
    }

    /// A delta entry for an event that left the view.
    private static func removed(_ id: String, reason: String) -> JSONValue {
        ["@odata.type": "#microsoft.graph.event", "id": .string(id), "@removed": ["reason": .string(reason)]]
    }

    /// Reads `odata.maxpagesize=N` from a `Prefer` header.
    static func maxPageSize(_ prefer: String?) -> Int? {
        guard let prefer else { return nil }
        for part in prefer.split(separator: ",") {
            let pair = part.trimmingCharacters(in: .whitespaces).split(separator: "=", maxSplits: 1)
            if pair.count == 2, pair[0] == "odata.maxpagesize", let size = Int(pair[1]), size > 0 { return size }
        }
        return nil
    }
}
