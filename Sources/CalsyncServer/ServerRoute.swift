/// The server's endpoints, matched from a method and a path.
enum ServerRoute: Sendable, Equatable {
    case googleWebhook
    case microsoftWebhook
    case healthz
    case metrics
    case listEntries(tenant: String)
    case createEntry(tenant: String)
    case getEntry(tenant: String, id: String)
    case updateEntry(tenant: String, id: String)
    case deleteEntry(tenant: String, id: String)
    case providers(tenant: String)
    case oauthStart(tenant: String, provider: String)
    case oauthCallback

    /// What a request matched.
    enum Match: Sendable, Equatable {
        case route(ServerRoute)
        /// The path exists, the method does not; the methods it takes.
        case methodNotAllowed([String])
        case notFound
    }

    /// The route template, the `route` label of the request metrics.
    var template: String {
        switch self {
        case .googleWebhook: return "/webhooks/google"
        case .microsoftWebhook: return "/webhooks/microsoft"
        case .healthz: return "/healthz"
        case .metrics: return "/metrics"
        case .listEntries, .createEntry: return "/api/v1/tenants/{tenant}/entries"
        case .getEntry, .updateEntry, .deleteEntry: return "/api/v1/tenants/{tenant}/entries/{id}"
        case .providers: return "/api/v1/tenants/{tenant}/providers"
        case .oauthStart: return "/oauth/start/{tenant}/{provider}"
        case .oauthCallback: return "/oauth/callback"
        }
    }

    /// Matches `method` and the (still percent-encoded) `path`.
    static func match(method: String, path: String) -> Match {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true).map { segment in
            String(segment).removingPercentEncoding ?? String(segment)
        }
        func pick(_ table: [String: ServerRoute]) -> Match {
            if let route = table[method] { return .route(route) }
            return .methodNotAllowed(table.keys.sorted())
        }
        switch segments.count {
        case 1:
            switch segments[0] {
            case "healthz": return pick(["GET": .healthz])
            case "metrics": return pick(["GET": .metrics])
            default: return .notFound
            }
        case 2:
            switch (segments[0], segments[1]) {
            case ("webhooks", "google"): return pick(["POST": .googleWebhook])
            case ("webhooks", "microsoft"): return pick(["POST": .microsoftWebhook])
            case ("oauth", "callback"): return pick(["GET": .oauthCallback])
            default: return .notFound
            }
        case 4 where segments[0] == "oauth" && segments[1] == "start":
            return pick(["GET": .oauthStart(tenant: segments[2], provider: segments[3])])
        case 5 where segments[0] == "api" && segments[1] == "v1" && segments[2] == "tenants":
            let tenant = segments[3]
            switch segments[4] {
            case "entries": return pick(["GET": .listEntries(tenant: tenant), "POST": .createEntry(tenant: tenant)])
            case "providers": return pick(["GET": .providers(tenant: tenant)])
            default: return .notFound
            }
        case 6 where segments[0] == "api" && segments[1] == "v1" && segments[2] == "tenants" && segments[4] == "entries":
            let (tenant, id) = (segments[3], segments[5])
            return pick([
                "GET": .getEntry(tenant: tenant, id: id), "PATCH": .updateEntry(tenant: tenant, id: id),
                "DELETE": .deleteEntry(tenant: tenant, id: id),
            ])
        default:
            return .notFound
        }
    }
}
