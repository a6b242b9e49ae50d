/// The business verticals a tenant serves; each has its own default pipeline seed.
public enum Vertical: String, Sendable, CaseIterable, Hashable {
    case wedding, corporate, festival
}

/// `configs/tenants/<slug>/tenant.json`: who the tenant is and how its brand looks.
public struct TenantConfig: Sendable, Equatable {
    public var slug: Slug
    public var name: String
    public var domain: String
    public var verticals: [Vertical]
    public var branding: Branding

    public init(slug: Slug, name: String, domain: String, verticals: [Vertical], branding: Branding) {
        self.slug = slug
        self.name = name
        self.domain = domain
        self.verticals = verticals
        self.branding = branding
    }
}

public struct Branding: Sendable, Equatable {
    public var primaryColor: String
    public var backgroundColor: String
    public var accentColor: String
    public var logoURL: String
    public var font: String
    /// Further brand colours (e.g. the print guideline's) that templates may use.
    public var palette: [String]

    public init(
        primaryColor: String, backgroundColor: String, accentColor: String, logoURL: String, font: String,
        palette: [String] = []
    ) {
        self.primaryColor = primaryColor
        self.backgroundColor = backgroundColor
        self.accentColor = accentColor
        self.logoURL = logoURL
        self.font = font
        self.palette = palette
    }

    /// Every colour the brand allows, normalised (`#rrggbb`, lowercase).
    public var allowedColors: Set<String> {
        Set(([primaryColor, backgroundColor, accentColor] + palette).compactMap(HexColor.normalized))
    }
}

/// `#rgb` or `#rrggbb`.
public enum HexColor {
    public static func isValid(_ text: String) -> Bool { normalized(text) != nil }

    /// `#ABC` → `#aabbcc`; nil when not a hex colour.
    public static func normalized(_ text: String) -> String? {
        let bytes = Array(text.utf8)
        guard bytes.first == UInt8(ascii: "#"), bytes.count == 4 || bytes.count == 7 else { return nil }
        let digits = bytes.dropFirst()
        guard digits.allSatisfy({ Character(Unicode.Scalar($0)).isHexDigit }) else { return nil }
        let lower = String(decoding: digits, as: UTF8.self).lowercased()
        return "#" + (lower.count == 3 ? lower.map { "\($0)\($0)" }.joined() : lower)
    }
}

/// Values that must be plain `https://host/...` URLs.
public enum HTTPSURL {
    public static func isValid(_ text: String) -> Bool {
        guard text.hasPrefix("https://") else { return false }
        let rest = text.dropFirst("https://".count)
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        guard !host.isEmpty, !host.contains("@") else { return false }
        return !text.unicodeScalars.contains { $0.value <= 0x20 || $0 == "\"" || $0 == "<" || $0 == ">" || $0 == "\\" }
    }
}

/// A DNS name of the tenant: lowercase labels separated by dots.
public enum DomainName {
    public static func isValid(_ text: String) -> Bool {
        let labels = text.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, text.utf8.count <= 253 else { return false }
        return labels.allSatisfy { label in
            let bytes = Array(label.utf8)
            guard (1...63).contains(bytes.count), bytes.first != UInt8(ascii: "-"), bytes.last != UInt8(ascii: "-")
            else { return false }
            return bytes.allSatisfy {
                (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-")
            }
        }
    }
}
