import RGCore

/// Writes node trees back as block-style YAML. Plain scalars are written as they were read, quoted and folded ones
/// double-quoted, literal blocks as literal blocks: the values read back are the same.
enum YAMLWriter {
    indirect enum Value {
        case scalar(String, plain: Bool)
        case literal(String)
        case sequence([Value])
        case mapping([(String, Value)])
        /// A value a person must fill in: written as `~` with a comment.
        case fillIn(String)

        init(_ node: Node) {
            switch node.content {
            case .scalar(let text, let style):
                switch style {
                case .plain: self = .scalar(text, plain: true)
                case .literal: self = .literal(text)
                default: self = .scalar(text, plain: false)
                }
            case .sequence: self = .sequence((node.items ?? []).map(Value.init))
            case .mapping: self = .mapping((node.entries ?? []).map { ($0.key.scalar ?? "?", Value($0.value)) })
            case .invalid: self = .scalar("", plain: true)
            }
        }
    }

    static func document(_ entries: [(String, Value)], header: String) -> String {
        var output = header
        write(.mapping(entries), indent: 0, into: &output, inline: false)
        return output
    }

    private static func write(_ value: Value, indent: Int, into output: inout String, inline: Bool) {
        let pad = String(repeating: " ", count: indent)
        switch value {
        case .mapping(let entries):
            if entries.isEmpty {
                output += " {}\n"
                return
            }
            if inline { output += "\n" }
            for (key, child) in entries {
                output += pad + Self.key(key) + ":"
                writeChild(child, indent: indent, into: &output)
            }
        case .sequence(let items):
            if items.isEmpty {
                output += " []\n"
                return
            }
            if inline { output += "\n" }
            for item in items {
                output += pad + "-"
                if case .mapping(let entries) = item, !entries.isEmpty {
                    // The first key on the dash's line, the rest under it.
                    var nested = ""
                    write(item, indent: indent + 2, into: &nested, inline: false)
                    output += " " + nested.dropFirst(indent + 2)
                } else {
                    writeChild(item, indent: indent, into: &output)
                }
            }
        default:
            writeChild(value, indent: indent, into: &output)
        }
    }

    private static func writeChild(_ value: Value, indent: Int, into output: inout String) {
        switch value {
        case .scalar(let text, let plain):
            output += " " + scalar(text, plain: plain) + "\n"
        case .literal(let text):
            let body = text.hasSuffix("\n") ? String(text.dropLast()) : text
            output += " |" + (text.hasSuffix("\n") ? "" : "-") + "\n"
            for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
                output += (line.isEmpty ? "" : String(repeating: " ", count: indent + 2) + line) + "\n"
            }
        case .fillIn(let reason):
            output += " ~  # FILL IN: \(reason)\n"
        case .mapping, .sequence:
            write(value, indent: indent + 2, into: &output, inline: true)
        }
    }

    static func key(_ text: String) -> String {
        isSafePlain(text) && ScalarType.of(plain: text) == .string ? text : quoted(text)
    }

    static func scalar(_ text: String, plain: Bool) -> String {
        if plain && !text.contains("\n") && !text.isEmpty { return text }
        if !plain && isSafePlain(text) && ScalarType.of(plain: text) == .string { return text }
        return quoted(text)
    }

    /// Text that reads back as the same plain string.
    static func isSafePlain(_ text: String) -> Bool {
        guard let first = text.first, let last = text.last, last != " " else { return false }
        if "-?:,[]{}#&*!|>'\"%@` ".contains(first) { return false }
        if text.contains(": ") || text.contains(" #") || text.hasSuffix(":") || text.contains("\n")
            || text.contains("\t")
        {
            return false
        }
        return true
    }

    /// Double-quoted as RGCore writes YAML: control, line-breaking and terminal-unsafe characters escaped.
    static func quoted(_ text: String) -> String { YAMLQuoting.doubleQuoted(text) }
}
