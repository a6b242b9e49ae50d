/// YAML's double-quoted style, for values written by rg-crm (TAP's diagnostics blocks, upgraded workflows).
public enum YAMLQuoting {
    /// A YAML double-quoted scalar on one line: `"` and `\` escaped, and every character that is not printable in
    /// YAML, breaks a line (NEL, LS, PS) or is unsafe on a terminal written as a YAML escape.
    public static func doubleQuoted(_ text: String) -> String {
        var output = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\0": output += "\\0"
            case "\t": output += "\\t"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\u{1B}": output += "\\e"
            case "\u{85}": output += "\\N"
            case "\u{2028}": output += "\\L"
            case "\u{2029}": output += "\\P"
            default:
                let value = scalar.value
                if value < 0x100 && TerminalText.isUnsafe(scalar) {
                    let hex = String(value, radix: 16, uppercase: true)
                    output += "\\x" + (hex.count == 1 ? "0" : "") + hex
                } else if TerminalText.isUnsafe(scalar) || value == 0xFEFF || value == 0xFFFE || value == 0xFFFF {
                    output += "\\u" + String(value, radix: 16, uppercase: true)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output + "\""
    }
}
