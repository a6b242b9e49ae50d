import Foundation

/// Text that came from a user (a config file, a database row, a YAML line, a server's message) made safe to print
/// on a terminal: no control character reaches it raw, so no escape sequence can clear the screen, recolour it or
/// fake a table row, and a one-line message stays one line.
public enum TerminalText {
    /// Characters that are never shown raw: C0 controls (ESC among them), DEL, C1 controls, the Unicode line and
    /// paragraph separators, and the bidirectional embedding, override and isolate controls (they reorder what
    /// follows them on screen: "Trojan Source"), and the Unicode noncharacters (U+FDD0–U+FDEF, U+xFFFE, U+xFFFF),
    /// which XML and HTML refuse: Graphviz stops on them and an HTML report would not parse.
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00...0x1F, 0x7F...0x9F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069, 0xFDD0...0xFDEF: true
        default: scalar.value & 0xFFFE == 0xFFFE
        }
    }

    /// The first character that `isUnsafe`, with its 1-based position in code points (as PostgreSQL counts).
    public static func firstUnsafe(in text: String) -> (scalar: Unicode.Scalar, position: Int)? {
        for (offset, scalar) in text.unicodeScalars.enumerated() where isUnsafe(scalar) {
            return (scalar, offset + 1)
        }
        return nil
    }

    /// `U+001B`: how a character is named in a message.
    public static func codePoint(_ scalar: Unicode.Scalar) -> String {
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    /// Every unsafe character written as an escape: `\n`, `\r`, `\t`, `\0`, else `\u{1B}`. Backslashes are kept as
    /// they are (the text is for reading, not for parsing back). With `keepingTabs` a tab stays a tab, so that a
    /// quoted source line keeps its indentation.
    public static func escaped(_ text: String, keepingTabs: Bool = false) -> String {
        guard text.unicodeScalars.contains(where: isUnsafe) else { return text }
        var output = ""
        output.reserveCapacity(text.utf8.count + 8)
        for scalar in text.unicodeScalars {
            output += escape(scalar, keepingTabs: keepingTabs) ?? String(scalar)
        }
        return output
    }

    /// `escaped` for one character; nil when it is safe as it is.
    static func escape(_ scalar: Unicode.Scalar, keepingTabs: Bool) -> String? {
        guard isUnsafe(scalar), !(keepingTabs && scalar == "\t") else { return nil }
        switch scalar {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        case "\0": return "\\0"
        default: return "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
        }
    }

    /// One line for an error message: every line break (CR, LF, CRLF, NEL, LS, PS) and the indentation after it
    /// become one space, trailing blanks go, and what is left is `escaped`.
    public static func oneLine(_ text: String) -> String {
        var output = ""
        var pendingBreak = false
        for scalar in text.unicodeScalars {
            if ["\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"].contains(scalar) {
                pendingBreak = true
                continue
            }
            if pendingBreak {
                if scalar == " " || scalar == "\t" { continue }
                if !output.isEmpty { output += " " }
                pendingBreak = false
            }
            output += escape(scalar, keepingTabs: false) ?? String(scalar)
        }
        while output.last == " " { output.removeLast() }
        return output
    }

    /// A list a server sent one item a line (DROP ROLE's dependencies in a DETAIL, a HINT) as one line: the items
    /// trimmed and joined with "; ".
    public static func joinedLines(_ text: String) -> String {
        text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            .joined(separator: "; ")
    }

    /// A quoted source line made safe, and `column` (1-based, in code points of `line`) moved to where that
    /// character now stands, so a caret under it still points at it.
    public static func escapedLine(_ line: String, column: Int) -> (text: String, column: Int) {
        guard line.unicodeScalars.contains(where: { isUnsafe($0) && $0 != "\t" }) else { return (line, column) }
        var output = ""
        var shifted = column
        for (offset, scalar) in line.unicodeScalars.enumerated() {
            if let escape = escape(scalar, keepingTabs: true) {
                output += escape
                if offset + 1 < column { shifted += escape.unicodeScalars.count - 1 }
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return (output, shifted)
    }
}
