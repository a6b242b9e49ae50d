import RGCore

/// `.rg-crm-templates.json` in the target: what the last clone wrote, so the next one can tell a file it wrote
/// (safe to update) from one edited by hand since (a conflict).
public struct CloneManifest: Sendable, Equatable {
    public static let fileName = ".rg-crm-templates.json"
    public static let formatVersion = 1

    public var tenant: String
    /// SHA-256 over every cloned source file's path and content.
    public var sourceDigest: String
    /// `TokenValues.digest` of the values the files were rendered with.
    public var valuesDigest: String
    /// Target-relative path → SHA-256 of the bytes written.
    public var files: [String: String]

    public init(tenant: String, sourceDigest: String, valuesDigest: String, files: [String: String]) {
        self.tenant = tenant
        self.sourceDigest = sourceDigest
        self.valuesDigest = valuesDigest
        self.files = files
    }

    /// Deterministic bytes: the same clone writes the same manifest, so a re-run need not touch it.
    public var serialized: String {
        JSONValue.object([
            ("format", .int(Self.formatVersion)),
            ("tool", .string("rg-crm templates clone")),
            ("tenant", .string(tenant)),
            ("source_digest", .string(sourceDigest)),
            ("values_digest", .string(valuesDigest)),
            ("files", .object(files.sorted { $0.key < $1.key }.map { ($0.key, .string($0.value)) })),
        ]).serialized(indent: 2) + "\n"
    }

    /// Nil when the text is not a manifest of ours (then every differing file counts as edited by hand).
    public static func parse(_ bytes: [UInt8]) -> CloneManifest? {
        guard let root = try? JSONParser.parse(bytes), root["format"]?.number == Double(formatVersion),
            let members = root["files"]?.members
        else { return nil }
        var files: [String: String] = [:]
        for member in members {
            guard let digest = member.value.string else { return nil }
            files[member.key] = digest
        }
        return CloneManifest(
            tenant: root["tenant"]?.string ?? "", sourceDigest: root["source_digest"]?.string ?? "",
            valuesDigest: root["values_digest"]?.string ?? "", files: files)
    }
}
