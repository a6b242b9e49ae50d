import RGCore

/// Writes a `YAMLTree` as block-style YAML that reads the same on every run: keys sorted by their UTF-8 bytes,
/// two-space indentation, and one quoting rule — a string is written plain only when YAML (1.1 or 1.2) could read
/// it back as nothing but that string, else double-quoted by RGCore's `YAMLQuoting`. Nothing written here can
/// start a comment, a key, a document or a second line, whatever a tenant's name holds.
public enum YAMLEmitter {
    public struct UnsafePlainScalar: RGError, Sendable, Equatable {
        public var text: String
        /// A template's plain value YAML would not read back unchanged: the template is to fix.
        public var category: ExitCategory { .usage }
        public var description: String {
            "the plain value '\(TerminalText.escaped(text))' would not read back as written; quote it in the template"
        }
    }

    /// The document's text, ending in a line break. Throws when a `.plain` scalar (from a template) is not one
    /// `isSafePlain` accepts: it is written verbatim, so it must be something YAML reads back unchanged.
    public static func document(_ tree: YAMLTree) throws(UnsafePlainScalar) -> String {
        var output = ""
        switch tree {
        case .mapping(let entries) where !entries.isEmpty:
            try writeMapping(entries, indent: 0, into: &output)
        case .sequence(let items) where !items.isEmpty:
            try writeSequence(items, indent: 0, into: &output)
        default:
            output += try inline(tree) + "\n"
        }
        return output
    }

    private static func writeMapping(_ entries: [(String, YAMLTree)], indent: Int, into output: inout String)
        throws(UnsafePlainScalar)
    {
        let pad = String(repeating: " ", count: indent)
        for (key, value) in sorted(entries) {
            output += pad + string(key) + ":"
            try writeValue(value, indent: indent, into: &output)
        }
    }

    private static func writeSequence(_ items: [YAMLTree], indent: Int, into output: inout String)
        throws(UnsafePlainScalar)
    {
        let pad = String(repeating: " ", count: indent)
        for item in items {
            output += pad + "-"
            if case .mapping(let entries) = item, !entries.isEmpty {
                // The first key on the dash's line, the others under it.
                var nested = ""
                try writeMapping(entries, indent: indent + 2, into: &nested)
                output += " " + nested.dropFirst(indent + 2)
            } else {
                try writeValue(item, indent: indent, into: &output)
            }
        }
    }

    /// What follows `key:` or `-`: a scalar or an empty collection on the same line, else the block on the next.
    private static func writeValue(_ value: YAMLTree, indent: Int, into output: inout String)
        throws(UnsafePlainScalar)
    {
        switch value {
        case .mapping(let entries) where !entries.isEmpty:
            output += "\n"
            try writeMapping(entries, indent: indent + 2, into: &output)
        case .sequence(let items) where !items.isEmpty:
            output += "\n"
            try writeSequence(items, indent: indent + 2, into: &output)
        default:
            output += " " + (try inline(value)) + "\n"
        }
    }

    private static func inline(_ value: YAMLTree) throws(UnsafePlainScalar) -> String {
        switch value {
        case .string(let text): return string(text)
        case .plain(let text):
            guard isSafePlain(text) else { throw UnsafePlainScalar(text: text) }
            return text
        case .mapping: return "{}"
        case .sequence: return "[]"
        }
    }

    /// Keys in UTF-8 byte order: the same on every machine and in every locale.
    static func sorted(_ entries: [(String, YAMLTree)]) -> [(String, YAMLTree)] {
        entries.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
    }

    /// A string as a scalar: plain when `isPlainString`, else double-quoted.
    public static func string(_ text: String) -> String {
        isPlainString(text) ? text : YAMLQuoting.doubleQuoted(text)
    }

    /// Words YAML 1.1 (which many Kubernetes tools still use) reads as a boolean or null.
    private static let reservedWords: Set<String> = [
        "y", "yes", "n", "no", "true", "false", "on", "off", "null",
    ]

    /// A string YAML reads back as that same string when written plain: a letter, then letters, digits and `.`,
    /// `_`, `/`, `-`, and not a word YAML 1.1 or 1.2 gives another type (`yes`, `off`, `null`, …). Anything else —
    /// a space, `:`, `#`, a quote, a leading digit — is quoted.
    public static func isPlainString(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first, isLetter(first) else { return false }
        guard !reservedWords.contains(text.lowercased()) else { return false }
        return bytes.allSatisfy { isLetter($0) || isDigit($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2F || $0 == 0x2D }
    }

    /// A template's plain scalar that may be written back as it was: a number, a word or a path, with no character
    /// that could end it, start a comment or a flow collection. Its type (number, boolean, string) is YAML's.
    public static func isSafePlain(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard let first = bytes.first else { return false }
        let allowed = bytes.allSatisfy {
            isLetter($0) || isDigit($0) || $0 == 0x2E || $0 == 0x5F || $0 == 0x2F || $0 == 0x2D || $0 == 0x2B
        }
        guard allowed else { return text == "~" }
        if isLetter(first) || isDigit(first) || first == 0x2F { return true }
        // A sign or a dot only before a digit: -1, +2, .5.
        return bytes.count > 1 && (first == 0x2D || first == 0x2B || first == 0x2E) && isDigit(bytes[1])
    }

    private static func isLetter(_ byte: UInt8) -> Bool { (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte) }
    private static func isDigit(_ byte: UInt8) -> Bool { (0x30...0x39).contains(byte) }
}
