import RGCore

/// The values of every `{{brand.*}}` and `{{tenant.*}}` token, taken from a tenant's `tenant.json`
/// and checked by kind (colour, https URL, text) before any file is rendered.
public struct TokenValues: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case colour, url, text
    }

    public struct Value: Sendable, Equatable {
        public var text: String
        public var kind: Kind
    }

    /// Keyed by the token's name: `brand.primary_color`, `tenant.domain`, …
    public let values: [String: Value]

    /// The token names a template may use, in the order the documentation lists them.
    public static let names = [
        "tenant.slug", "tenant.name", "tenant.domain",
        "brand.primary_color", "brand.background_color", "brand.accent_color", "brand.logo_url", "brand.font",
    ]

    public init(tenant: TenantConfig) throws(TemplateClonerError) {
        try self.init([
            "tenant.slug": Value(text: tenant.slug.rawValue, kind: .text),
            "tenant.name": Value(text: tenant.name, kind: .text),
            "tenant.domain": Value(text: tenant.domain, kind: .text),
            "brand.primary_color": Value(text: tenant.branding.primaryColor, kind: .colour),
            "brand.background_color": Value(text: tenant.branding.backgroundColor, kind: .colour),
            "brand.accent_color": Value(text: tenant.branding.accentColor, kind: .colour),
            "brand.logo_url": Value(text: tenant.branding.logoURL, kind: .url),
            "brand.font": Value(text: tenant.branding.font, kind: .text),
        ])
    }

    /// Checks each value by kind: a bad colour or URL is refused here even when it did not come from `tenant.json`.
    public init(_ values: [String: Value]) throws(TemplateClonerError) {
        for (name, value) in values.sorted(by: { $0.key < $1.key }) {
            switch value.kind {
            case .colour where !HexColor.isValid(value.text):
                throw .invalidValue(name: name, value: value.text, expected: "a hex colour #rgb or #rrggbb")
            case .url where !HTTPSURL.isValid(value.text):
                throw .invalidValue(name: name, value: value.text, expected: "an https:// URL")
            case .text where value.text.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }):
                throw .invalidValue(
                    name: name, value: value.text, expected: "text without control characters or line breaks")
            default:
                break
            }
        }
        self.values = values
    }

    public subscript(name: String) -> Value? { values[name] }

    /// SHA-256 of `name=value` lines in name order: the manifest records it to tell a re-brand from a re-run.
    public var digest: String {
        Digest.sha256Hex(values.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value.text)\n" }.joined())
    }
}
