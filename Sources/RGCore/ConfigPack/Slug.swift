/// A tenant's slug: `^[a-z][a-z0-9_]{1,30}$`. It names the tenant's folder, its roles (`rg_<slug>_app`)
/// and its Kubernetes namespace, so it is checked before anything touches a file or the database.
public struct Slug: Sendable, Hashable, Comparable, CustomStringConvertible {
    public let rawValue: String

    public init(_ text: String) throws(SlugError) {
        guard Slug.isValid(text) else { throw SlugError(text: text) }
        rawValue = text
    }

    public static func isValid(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard (2...31).contains(bytes.count), (0x61...0x7A).contains(bytes[0]) else { return false }
        return bytes.dropFirst().allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }
    }

    public var description: String { rawValue }
    public static func < (lhs: Slug, rhs: Slug) -> Bool { lhs.rawValue < rhs.rawValue }
}

public struct SlugError: RGError, Sendable {
    public let text: String
    public var category: ExitCategory { .usage }
    public var description: String {
        "invalid tenant slug \(JSONValue.quote(text)): a slug is a lowercase letter followed by 1 to 30 lowercase letters, digits or underscores (^[a-z][a-z0-9_]{1,30}$)"
    }
}
