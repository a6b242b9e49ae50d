import Foundation
import RGCore

/// Bounds on a bundle, enforced on the declared sizes before anything is written and again on the bytes actually
/// produced while streaming (a ZIP header can lie).
public struct BundleLimits: Sendable, Equatable {
    public var maximumEntries: Int
    public var maximumEntryBytes: UInt64
    public var maximumTotalBytes: UInt64
    /// Expanded size over compressed size, once an entry is past `ratioFloorBytes`.
    public var maximumRatio: UInt64
    public var ratioFloorBytes: UInt64

    public init(
        maximumEntries: Int = 20_000, maximumEntryBytes: UInt64 = 64 << 20, maximumTotalBytes: UInt64 = 1 << 30,
        maximumRatio: UInt64 = 200, ratioFloorBytes: UInt64 = 1 << 20
    ) {
        self.maximumEntries = maximumEntries
        self.maximumEntryBytes = maximumEntryBytes
        self.maximumTotalBytes = maximumTotalBytes
        self.maximumRatio = maximumRatio
        self.ratioFloorBytes = ratioFloorBytes
    }

    public static let standard = BundleLimits()

    /// Nil when `bytes` expanded from `compressed` is within the entry and ratio limits, else why not.
    func entryProblem(bytes: UInt64, compressed: UInt64?) -> String? {
        if bytes > maximumEntryBytes {
            return "it expands to \(Self.size(bytes)) or more, over the \(Self.size(maximumEntryBytes)) limit per file"
        }
        if let compressed, bytes > ratioFloorBytes, bytes > compressed.saturatingMultiply(maximumRatio) {
            return
                "it expands \(bytes / max(compressed, 1))-fold (\(Self.size(compressed)) to \(Self.size(bytes)) or more), over the \(maximumRatio)-fold limit: a ZIP bomb?"
        }
        return nil
    }

    static func size(_ bytes: UInt64) -> String {
        if bytes >= 1 << 30 { return String(format: "%.1f GiB", Double(bytes) / Double(1 << 30)) }
        if bytes >= 1 << 20 { return String(format: "%.1f MiB", Double(bytes) / Double(1 << 20)) }
        if bytes >= 1 << 10 { return String(format: "%.1f KiB", Double(bytes) / Double(1 << 10)) }
        return "\(bytes) bytes"
    }
}

extension UInt64 {
    func saturatingMultiply(_ other: UInt64) -> UInt64 {
        let (result, overflow) = multipliedReportingOverflow(by: other)
        return overflow ? .max : result
    }
}

/// The rules every entry name must pass before anything is written: a relative path of plain names that stays
/// inside the target, and that no other entry shares once case and Unicode normalisation are set aside.
public enum EntryPolicy {
    /// The manifest's name in the target; a bundle may not ship a file of that name.
    public static let reservedNames: Set<String> = [CloneManifest.fileName]

    /// Nil when the name is acceptable, else the reason it is refused.
    public static func problem(withName name: String, rawName: [UInt8]? = nil) -> String? {
        let bytes = rawName ?? Array(name.utf8)
        if bytes.isEmpty || name.isEmpty { return "it has an empty name" }
        if bytes.contains(0) || name.unicodeScalars.contains("\0") { return "its name contains a NUL byte" }
        if name.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "its name contains a control character"
        }
        // Separators are judged by bytes, as the file system reads them: a `/` followed by a combining mark is one
        // Character to Swift, so a split by Character would take `../\u{301}x` for one harmless name.
        let utf8 = Array(name.utf8)
        if utf8.contains(UInt8(ascii: "\\")) { return "its name contains a backslash (a Windows path separator)" }
        if utf8.first == UInt8(ascii: "/") { return "it is an absolute path" }
        let scalars = Array(name.unicodeScalars)
        if scalars.count >= 2, scalars[1] == ":", scalars[0].isASCIILetter {
            return "it starts with a drive letter"
        }
        var components = utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false).map {
            String(decoding: $0, as: UTF8.self)
        }
        if components.last == "" { components.removeLast() }  // a folder entry ends with `/`
        if components.isEmpty { return "it has an empty name" }
        for component in components {
            if component == ".." { return "it climbs out of the target with '..'" }
            if component == "." || component.isEmpty { return "its path has an empty or '.' part" }
            if component.utf8.count > 255 { return "a part of its name is longer than 255 bytes" }
            if component.hasSuffix(" ") || component.hasSuffix(".") && component != "." {
                // Windows strips these, so `a.` and `a` would be one file there.
                return "a part of its name ends with a space or a dot"
            }
        }
        if bytes.count > 1024 { return "its name is longer than 1024 bytes" }
        if reservedNames.contains(String(components[0])) {
            return "\(components[0]) is reserved for rg-crm's manifest"
        }
        return nil
    }

    /// The key two names share when a case-insensitive or normalising file system would make them one file.
    public static func collisionKey(_ name: String) -> String {
        // ASCII is its own normal form: only case folds.
        if name.utf8.allSatisfy({ $0 < 0x80 }) { return name.lowercased() }
        return name.precomposedStringWithCanonicalMapping.lowercased().precomposedStringWithCanonicalMapping
    }

    /// Finds names that collide, or a file that is also used as a folder; nil when every name stands alone.
    /// Returns the later entry and why.
    public static func collision(in names: [String]) -> (entry: String, reason: String)? {
        var files: [String: String] = [:]
        var folders: [String: String] = [:]
        for name in names {
            let key = collisionKey(name)
            if let earlier = files[key] {
                return (
                    name,
                    Array(earlier.utf8) == Array(name.utf8)
                        ? "it appears twice in the bundle"
                        : "it is the same file as \(JSONValue.quote(earlier)) on a case-insensitive or Unicode-normalising file system"
                )
            }
            if let folder = folders[key] {
                return (name, "it is a file, but \(JSONValue.quote(folder)) uses it as a folder")
            }
            files[key] = name
            var parent = key
            while let slash = parent.utf8.lastIndex(of: UInt8(ascii: "/")) {
                parent = String(parent[..<slash])
                if let file = files[parent] {
                    return (name, "it uses \(JSONValue.quote(file)) as a folder, but that is a file")
                }
                if folders[parent] != nil { break }
                folders[parent] = name
            }
        }
        return nil
    }
}

extension Unicode.Scalar {
    var isASCIILetter: Bool { (0x41...0x5A).contains(value) || (0x61...0x7A).contains(value) }
}
