/// A DNS label: `[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?`.
public enum DNSLabel {
    /// The rule, for messages.
    public static let rule = "a DNS label: lower-case letters, digits and '-', 1 to 63 characters, starting and ending with a letter or digit"

    /// Whether `value` is a DNS label.
    public static func isValid(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard (1...63).contains(bytes.count) else { return false }
        func isAlphanumeric(_ b: UInt8) -> Bool { (0x61...0x7A).contains(b) || (0x30...0x39).contains(b) }
        guard isAlphanumeric(bytes[0]), isAlphanumeric(bytes[bytes.count - 1]) else { return false }
        return bytes.allSatisfy { isAlphanumeric($0) || $0 == 0x2D }
    }
}

/// What a kind of name names; the phantom parameter that keeps tenant and provider names apart.
public protocol NameKind: Sendable {
    /// The noun used in messages: `tenant`, `provider`, `channel`.
    static var noun: String { get }
}

/// Marks tenant names.
public enum TenantNameKind: NameKind { public static let noun = "tenant" }
/// Marks provider names.
public enum ProviderNameKind: NameKind { public static let noun = "provider" }
/// Marks notification channel names.
public enum ChannelNameKind: NameKind { public static let noun = "channel" }

/// A checked DNS-label name of one kind of object.
public struct Name<Kind: NameKind>: RawRepresentable, Sendable, Hashable, Comparable, Codable,
    CustomStringConvertible
{
    public let rawValue: String

    /// Creates a name, or nil when `rawValue` is not a DNS label.
    public init?(rawValue: String) {
        guard DNSLabel.isValid(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    public var description: String { rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }

    public init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        guard let name = Self(rawValue: raw) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "\(Kind.noun) name is not a DNS label"))
        }
        self = name
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

/// The name of a tenant.
public typealias TenantName = Name<TenantNameKind>
/// The name of a calendar provider, unique within its tenant.
public typealias ProviderName = Name<ProviderNameKind>
/// The name of a notification channel.
public typealias ChannelName = Name<ChannelNameKind>

/// A provider named with its tenant; prints as `acme/google-main`.
public struct ProviderRef: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    public var tenant: TenantName
    public var provider: ProviderName

    public init(tenant: TenantName, provider: ProviderName) {
        self.tenant = tenant
        self.provider = provider
    }

    /// Parses `TENANT/PROVIDER`.
    public init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let tenant = TenantName(rawValue: String(parts[0])),
            let provider = ProviderName(rawValue: String(parts[1]))
        else { return nil }
        self.init(tenant: tenant, provider: provider)
    }

    public var description: String { "\(tenant)/\(provider)" }
    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.tenant, lhs.provider) < (rhs.tenant, rhs.provider) }
}
