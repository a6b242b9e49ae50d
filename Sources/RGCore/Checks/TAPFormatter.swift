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

    /// A YAML double-quoted scalar on one line (`YAMLQuoting`): no text can close the block or forge a test line.
    static func quoted(_ text: String) -> String { YAMLQuoting.doubleQuoted(text) }
}
