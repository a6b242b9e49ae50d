/// TAP version 13: the version line, the plan, `ok N - id: title` or `not ok N - …` per result in order, a skip as
/// `ok N - … # SKIP reason`, and under every result a YAML block (`  ---` … `  ...`) with its id, group, status,
/// duration and, where it has them, message, remediation and location. Every value is one double-quoted YAML line, so
/// no text can end the block or forge a test line.
public struct TAPFormatter: CheckFormatter {
    public init() {}

    public func render(_ results: [CheckResult], context: CheckReportContext) -> String {
        var output = "TAP version 13\n1..\(results.count)\n"
        for (index, result) in results.enumerated() {
            let ok = result.status == .pass || result.status == .skip
            output += "\(ok ? "ok" : "not ok") \(index + 1) - \(Self.description(result.displayName))"
            if result.status == .skip {
                let reason = TerminalText.escaped(result.message ?? "")
                output += reason.isEmpty ? " # SKIP" : " # SKIP \(reason)"
            }
            output += "\n  ---\n"
            output += "  id: \(Self.quoted(result.id))\n"
            output += "  group: \(Self.quoted(result.group))\n"
            output += "  status: \(result.status.rawValue)\n"
            output += "  duration_ms: \(result.duration.wholeMilliseconds)\n"
            if let message = result.message { output += "  message: \(Self.quoted(message))\n" }
            if let remediation = result.remediation { output += "  remediation: \(Self.quoted(remediation))\n" }
            if let location = result.location { output += "  at: \(Self.quoted(location.description))\n" }
            output += "  ...\n"
        }
        return output
    }

    /// A test line's description: one line, and `#` (which would start a directive) and `\` escaped as TAP 13 says.
    static func description(_ text: String) -> String {
        var output = ""
        for character in TerminalText.escaped(text).unicodeScalars {
            switch character {
            case "#": output += "\\#"
            case "\\": output += "\\\\"
            default: output.unicodeScalars.append(character)
            }
        }
        return output
    }

    /// A YAML double-quoted scalar on one line: `"` and `\` escaped, and every character that is not printable in
    /// YAML, breaks a line (NEL, LS, PS) or is unsafe on a terminal written as a YAML escape.
    static func quoted(_ text: String) -> String {
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
