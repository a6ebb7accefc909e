import ArgumentParser
import CalsyncExecutor
import CalsyncModel
import CalsyncProviders
import CalsyncSecrets
import CalsyncState
import Foundation

/// `calsync authorize TENANT/PROVIDER`: the OAuth 2.0 authorization-code flow with PKCE (SPEC section 7).
struct AuthorizeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "authorize",
        abstract: "Give a provider OAuth consent and store its sealed refresh token.",
        discussion: """
            Prints the vendor's authorization URL, waits for the redirect on the tenant app's loopback \
            redirectUri, checks the state, exchanges the code (PKCE S256) and stores the refresh token sealed \
            under CALENDAR_OAUTH_ENCRYPTION_KEY. On a headless host, open the URL elsewhere and paste the \
            address the browser was sent to with --code-from-url within 10 minutes.
            """
    )

    @Argument(help: ArgumentHelp("The provider, as tenant/provider.", valueName: "tenant/provider"))
    var provider: String

    @Flag(name: .customLong("no-browser"), help: "Print the authorization URL alone on one line; do not open a browser.")
    var noBrowser = false

    @Option(
        name: .customLong("code-from-url"),
        help: ArgumentHelp("Complete a started authorization with the redirect URL pasted from the browser.", valueName: "url"))
    var codeFromURL: String?

    @Option(help: ArgumentHelp("How long to wait for the redirect (default 5m).", valueName: "duration"))
    var timeout: String = "5m"

    @OptionGroup var tenantOptions: TenantOptions
    @OptionGroup var configOptions: ConfigOptions

    func validate() throws {
        guard ProviderRef(provider) != nil else {
            throw ValidationError("\"\(provider)\" is not a provider reference. Write it as tenant/provider, e.g. acme/google-main.")
        }
        guard let seconds = SpecDurationArgument(timeout), seconds > 0 else {
            throw ValidationError("--timeout \"\(timeout)\" is not a duration. Write one such as 90s or 5m.")
        }
    }

    func run() async throws {
        let runtime = try Runtime(config: configOptions, tenant: tenantOptions.tenant)
        let ref = ProviderRef(provider)!
        let keyring = try runtime.keyring()
        guard let store = try runtime.openReadOnly() else {
            runtime.console.error(
                "error: no state database at \"\(runtime.configuration.statePath)\". Apply the manifests that declare \(ref) (`calsync reconcile`) first.")
            throw ExitCode(1)
        }
        let snapshot = try runtime.failing { try store.snapshot() }
        try runtime.checkScope(ref, snapshot: snapshot)
        guard let state = snapshot.providers.first(where: { $0.ref == ref }),
            let tenant = snapshot.tenants.first(where: { $0.name == ref.tenant })
        else {
            runtime.console.error(
                "error: the state records no provider \(ref). Declare it in the manifests and run `calsync reconcile` (or `apply`) first.")
            throw ExitCode(1)
        }
        let writer = try runtime.openReadWrite()
        let access = VendorAccess(configuration: runtime.configuration, environment: runtime.environment)
        let flow = AuthorizationFlow(
            ref: ref, vendor: state.applied.vendor, store: writer, keyring: keyring, access: access, runtime: runtime)
        let client: OAuthClient
        do {
            client = try access.oauthClient(tenant: tenant.applied, vendor: state.applied.vendor)
        } catch let error as VendorAccessError {
            runtime.console.error("error: \(error.message)")
            throw ExitCode(1)
        }
        if let codeFromURL {
            try await flow.complete(pasted: codeFromURL, client: client)
        } else {
            try await flow.start(
                client: client, noBrowser: noBrowser, timeout: .seconds(SpecDurationArgument(timeout) ?? 300))
        }
    }
}

/// One run of the authorization-code flow for one provider.
struct AuthorizationFlow {
    /// A pending authorization lives this long (SPEC section 7).
    static let pendingLifetime: TimeInterval = 600

    let ref: ProviderRef
    let vendor: Vendor
    let store: SQLiteStateStore
    let keyring: Keyring
    let access: VendorAccess
    let runtime: Runtime

    /// Records a pending authorization, prints the URL and waits for the loopback redirect.
    func start(client: OAuthClient, noBrowser: Bool, timeout: Duration) async throws {
        let redirectURI = client.app.redirectUri
        guard let receiver = LoopbackReceiver(redirectURI: redirectURI) else {
            runtime.console.error(
                "error: the \(vendor.rawValue) app of tenant \"\(ref.tenant)\" has redirectUri \"\(redirectURI)\", which is not a loopback http:// URI. `calsync authorize` listens on 127.0.0.1; set redirectUri to e.g. http://127.0.0.1:8765/oauth/callback (and register it with the vendor), or use `calsync serve`'s web flow.")
            throw ExitCode(1)
        }
        let pkce = PKCE.generate(using: access.random)
        let state = access.randomToken()
        let now = runtime.now
        try record(PendingAuthorization(
            state: state, ref: ref, verifier: try seal(pkce.verifier), redirectURI: redirectURI,
            expiresAt: now.addingTimeInterval(Self.pendingLifetime)))
        let url = client.authorizationURL(state: state, codeChallenge: pkce.challenge, redirectURI: redirectURI)
        let console = runtime.console
        let openBrowser = !noBrowser && BrowserLauncher.isAvailable(environment: runtime.environment)
        let redirect: OAuthRedirect?
        do {
            redirect = try await receiver.waitForRedirect(expectedState: state, timeout: timeout) {
                if noBrowser {
                    console.output(url.absoluteString)
                } else {
                    console.error("Open this URL to authorize \(ref) at \(vendor.rawValue):")
                    console.output(url.absoluteString)
                    console.error("Waiting for the redirect on \(redirectURI) …")
                    if openBrowser { BrowserLauncher.open(url) }
                }
            }
        } catch let error as LoopbackError {
            console.error("error: \(error.message)")
            throw ExitCode(1)
        }
        guard let redirect else {
            console.error(
                "error: no redirect reached \(redirectURI) within the timeout. Run `calsync authorize \(ref)` again, or paste the address the browser was sent to with `calsync authorize \(ref) --code-from-url URL` within 10 minutes of the start.")
            throw ExitCode(1)
        }
        try await finish(redirect, client: client)
    }

    /// Completes a pending authorization from a redirect URL pasted by the operator.
    func complete(pasted text: String, client: OAuthClient) async throws {
        guard let redirect = OAuthRedirect(pasted: text), redirect.state != nil || redirect.error != nil else {
            runtime.console.error(
                "error: --code-from-url: \"\(Self.elided(text))\" is not the redirect URL of an authorization (it has no code and state). Paste the whole address the browser was sent to.")
            throw ExitCode(1)
        }
        try await finish(redirect, client: client)
    }

    private func finish(_ redirect: OAuthRedirect, client: OAuthClient) async throws {
        let console = runtime.console
        if let error = redirect.error {
            console.error(
                "error: \(vendor.rawValue) refused the authorization of \(ref): \(error)\(redirect.errorDescription.map { " (\($0))" } ?? ""). Nothing was stored. Run `calsync authorize \(ref)` again and grant access.")
            throw ExitCode(1)
        }
        guard let state = redirect.state, let code = redirect.code, !code.isEmpty else {
            console.error("error: the redirect carries no authorization code. Run `calsync authorize \(ref)` again.")
            throw ExitCode(1)
        }
        guard let pending = try runtime.failing({ try store.takePendingAuthorization(state: state) }) else {
            console.error(
                "error: the redirect's state matches no pending authorization (already used, or never started here). Run `calsync authorize \(ref)` again.")
            throw ExitCode(1)
        }
        guard pending.ref == ref else {
            console.error(
                "error: Forbidden: the redirect belongs to the authorization of \(pending.ref), not \(ref). Nothing was stored.")
            throw ExitCode(1)
        }
        guard pending.expiresAt > runtime.now else {
            console.error("error: the authorization of \(ref) was started more than 10 minutes ago and has expired. Run `calsync authorize \(ref)` again.")
            throw ExitCode(1)
        }
        let verifier: Secret
        do {
            verifier = try keyring.open(pending.verifier)
        } catch {
            console.error("error: cannot open the pending authorization of \(ref): \(error.message)")
            throw ExitCode(1)
        }
        let tokens: TokenSet
        do {
            tokens = try await client.exchange(code: code, verifier: verifier, redirectURI: pending.redirectURI)
        } catch {
            console.error("error: \(vendor.rawValue) did not exchange the authorization code of \(ref): \(VendorFailure.describe(error)) Run `calsync authorize \(ref)` again.")
            throw ExitCode(1)
        }
        guard let refreshToken = tokens.refreshToken else {
            console.error(
                "error: \(vendor.rawValue) returned no refresh token for \(ref), so calsync could not act later. Remove calsync's access in the account's security settings and run `calsync authorize \(ref)` again.")
            throw ExitCode(1)
        }
        let now = runtime.now
        try runtime.failing {
            try store.storeCredential(ref, try seal(refreshToken), at: now)
            try store.cacheAccessToken(ref, CachedAccessToken(sealed: try seal(tokens.accessToken), expiresAt: tokens.expiresAt))
        }
        try refreshCard(now: now)
        console.error("Authorized \(ref): OAuth Complete.")
    }

    /// Records the provider's card without the pending `authorize` and rewrites the status files.
    private func refreshCard(now: Date) throws {
        let snapshot = try runtime.failing { try store.snapshot() }
        guard let state = snapshot.providers.first(where: { $0.ref == ref }) else { return }
        let previous = try runtime.failing { try store.cards() }[ref]
        let pending = (previous?.pendingActions ?? []).filter { $0 != .authorize }
        let card = ProviderCards.card(for: state, pending: pending, previous: previous, now: now)
        try runtime.failing { try store.apply(.recordProvider(state, card: card)) }
        try runtime.writeStatus(runtime.statusCards(store: store, plan: nil))
    }

    private func seal(_ secret: Secret) throws -> SealedToken {
        do {
            return try keyring.seal(secret)
        } catch {
            runtime.console.error("error: \(error.message)")
            throw ExitCode(1)
        }
    }

    private func record(_ pending: PendingAuthorization) throws {
        try runtime.failing { try store.recordPendingAuthorization(pending, now: runtime.now) }
    }

    /// The start of a pasted text, so an error never echoes a whole URL with its code.
    private static func elided(_ text: String) -> String {
        text.count > 40 ? String(text.prefix(40)) + "…" : text
    }
}

/// Opens a URL in the desktop's browser when there is one.
enum BrowserLauncher {
    static func isAvailable(environment: [String: String]) -> Bool {
        #if os(macOS)
            return isatty(STDOUT_FILENO) == 1
        #else
            let display = !(environment["DISPLAY"] ?? "").isEmpty || !(environment["WAYLAND_DISPLAY"] ?? "").isEmpty
            return display && FileManager.default.isExecutableFile(atPath: "/usr/bin/xdg-open")
        #endif
    }

    static func open(_ url: URL) {
        let process = Process()
        #if os(macOS)
            process.executableURL = URL(fileURLWithPath: "/usr/bin/open")
        #else
            process.executableURL = URL(fileURLWithPath: "/usr/bin/xdg-open")
        #endif
        process.arguments = [url.absoluteString]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try? process.run()
    }
}

/// A vendor failure as one line for an operator: the vendor's own text, never a token.
enum VendorFailure {
    static func describe(_ error: any Error) -> String {
        switch error {
        case let error as AuthorizationError: return "\(error)"
        case let error as VendorError: return error.description
        case let error as TransportError: return error.description
        case let error as RetryError: return "\(error)"
        default: return "\(error)"
        }
    }
}
