import CalsyncModel
import CalsyncProviders
import Crypto
import Foundation

/// The `state` of the web OAuth flow: tenant, provider, expiry and a random nonce, signed with
/// HMAC-SHA256 under the state signing key (`CALSYNC_STATE_SECRET`, else `NEXTAUTH_SECRET`).
///
/// Text form: `v1.PAYLOAD.MAC`, both base64url without padding; PAYLOAD is
/// `TENANT/PROVIDER\nEXPIRY\nNONCE` (EXPIRY in Unix seconds). The MAC covers a domain label and the
/// payload, and is compared in constant time. A valid `state` proves that this server issued it
/// for that provider and that it has not expired; single use is the pending authorization's job.
public struct OAuthState: Sendable, Hashable {
    public var ref: ProviderRef
    public var expiresAt: Date
    public var nonce: String

    /// Why a `state` was refused.
    public enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        /// Not of the form `v1.PAYLOAD.MAC`, or the payload does not parse.
        case malformed
        /// The MAC does not match: not issued by this server, or altered.
        case forged
        /// Issued by this server, but past its expiry.
        case expired

        public var description: String {
            switch self {
            case .malformed: return "the OAuth state is malformed"
            case .forged: return "the OAuth state was not issued by this server"
            case .expired: return "the OAuth state has expired"
            }
        }
    }

    static let domain = "calsync-oauth-state-v1"

    public init(ref: ProviderRef, expiresAt: Date, nonce: String) {
        self.ref = ref
        self.expiresAt = expiresAt
        self.nonce = nonce
    }

    /// A fresh state for `ref`, valid for `lifetime` from `now`, with 16 random bytes of nonce.
    public static func issue(for ref: ProviderRef, now: Date, lifetime: Duration, random: any RandomSource) -> OAuthState {
        OAuthState(
            ref: ref, expiresAt: now.addingTimeInterval(TimeInterval(lifetime.components.seconds)),
            nonce: Base64URL.encode(random.bytes(count: 16)))
    }

    private var payload: String { "\(ref)\n\(Int64(expiresAt.timeIntervalSince1970.rounded(.down)))\n\(nonce)" }

    /// The signed text.
    public func signed(with key: Secret) -> String {
        let payload = Data(payload.utf8)
        return "v1." + Base64URL.encode(payload) + "." + Base64URL.encode(Self.mac(payload, key: key))
    }

    /// Checks `text`'s signature under `key` and its expiry against `now`.
    ///
    /// - Throws: `OAuthState.Refusal`.
    public static func verify(_ text: String, key: Secret, now: Date) throws(Refusal) -> OAuthState {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "v1", let payload = Base64URL.decode(parts[1]),
            let presented = Base64URL.decode(parts[2])
        else { throw .malformed }
        guard ConstantTime.equals(presented, mac(payload, key: key)) else { throw .forged }
        let fields = String(decoding: payload, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        guard fields.count == 3, let ref = ProviderRef(String(fields[0])), let expiry = Int64(fields[1]) else {
            throw .malformed
        }
        let state = OAuthState(ref: ref, expiresAt: Date(timeIntervalSince1970: TimeInterval(expiry)), nonce: String(fields[2]))
        guard state.expiresAt > now else { throw .expired }
        return state
    }

    static func mac(_ payload: Data, key: Secret) -> Data {
        var message = Data((domain + "\n").utf8)
        message.append(payload)
        return Data(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(key.exposedValue.utf8))))
    }
}

/// A signed, expiring link to `GET /oauth/start/{tenant}/{provider}` for an operator's browser, which
/// cannot send a bearer token: `?expires=UNIX&signature=MAC`, the MAC an HMAC-SHA256 under the state
/// signing key over a domain label, the provider and the expiry. `calsync authorize --web URL` prints one.
public enum SignedStartLink {
    static let domain = "calsync-oauth-start-v1"

    /// The link to `ref`'s start route under `baseURL` (serve's public URL), valid until `expiresAt`.
    public static func url(baseURL: String, ref: ProviderRef, expiresAt: Date, key: Secret) -> String {
        let base = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        let expiry = Int64(expiresAt.timeIntervalSince1970.rounded(.down))
        return "\(base)/oauth/start/\(ref.tenant)/\(ref.provider)?expires=\(expiry)&signature=\(signature(ref: ref, expiry: expiry, key: key))"
    }

    /// Checks a link's `expires` and `signature` for `ref`.
    ///
    /// - Throws: `OAuthState.Refusal` (`.malformed`, `.forged`, `.expired`).
    public static func verify(ref: ProviderRef, expires: String, signature presented: String, key: Secret, now: Date) throws(OAuthState.Refusal) {
        guard let expiry = Int64(expires), let presentedBytes = Base64URL.decode(Substring(presented)),
            let expected = Base64URL.decode(Substring(signature(ref: ref, expiry: expiry, key: key)))
        else { throw .malformed }
        guard ConstantTime.equals(presentedBytes, expected) else { throw .forged }
        guard Date(timeIntervalSince1970: TimeInterval(expiry)) > now else { throw .expired }
    }

    static func signature(ref: ProviderRef, expiry: Int64, key: Secret) -> String {
        let message = Data("\(domain)\n\(ref)\n\(expiry)".utf8)
        return Base64URL.encode(Data(HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Data(key.exposedValue.utf8)))))
    }
}

/// Base64url without padding (RFC 4648 section 5).
enum Base64URL {
    static func encode(_ bytes: some DataProtocol) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: Substring) -> Data? {
        guard text.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
