/// JUnit XML as Jenkins' junit plugin and GitLab read it (the schema in Tests/Schemas/jenkins-junit.xsd):
/// `<testsuites>` with one `<testsuite>` per group, in the order groups first appear, each result a `<testcase>`
/// (`classname` the group, `name` "id: title", `time` in seconds) holding `<failure>`, `<error>` or `<skipped>`.
/// Counts (`tests`, `failures`, `errors`, `skipped`) on each suite; the schema allows no `skipped` on `<testsuites>`.
public struct JUnitFormatter: CheckFormatter {
    public init() {}

    public func render(_ results: [CheckResult], context: CheckReportContext) -> String {
        var groups: [String] = []
        var byGroup: [String: [CheckResult]] = [:]
        for result in results {
            if byGroup[result.group] == nil { groups.append(result.group) }
            byGroup[result.group, default: []].append(result)
        }
        let all = CheckSummary(results)
        var output = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        output += "<testsuites name=\(Self.attribute(context.name)) tests=\"\(all.total)\" failures=\"\(all.failed)\""
        output += " errors=\"\(all.errors)\" time=\"\(all.duration.secondsText)\">\n"
        for group in groups {
            let members = byGroup[group]!
            let summary = CheckSummary(members)
            output += "  <testsuite name=\(Self.attribute(group)) tests=\"\(summary.total)\""
            output += " failures=\"\(summary.failed)\" errors=\"\(summary.errors)\" skipped=\"\(summary.skipped)\""
            output += " time=\"\(summary.duration.secondsText)\">\n"
            for result in members { output += Self.testcase(result) }
            output += "  </testsuite>\n"
        }
        output += "</testsuites>\n"
        return output
    }

    static func testcase(_ result: CheckResult) -> String {
        let open =
            "    <testcase name=\(attribute(result.displayName)) classname=\(attribute(result.group))"
            + " time=\"\(result.duration.secondsText)\""
        let message = result.message ?? ""
        switch result.status {
        case .pass:
            return open + "/>\n"
        case .skip:
            // The schema's <skipped> is a plain string: the reason is its text, not an attribute.
            return open + ">\n      <skipped>\(text(message))</skipped>\n    </testcase>\n"
        case .fail, .error:
            let element = result.status == .fail ? "failure" : "error"
            var body = message
            if let remediation = result.remediation, !remediation.isEmpty { body += "\nfix: " + remediation }
            if let location = result.location { body += "\nat: " + location.description }
            return open + ">\n      <\(element) message=\(attribute(message)) type=\"\(result.status.rawValue)\">"
                + "\(text(body))</\(element)>\n    </testcase>\n"
        }
    }

    /// A double-quoted attribute value. Tabs and line breaks become character references, or a parser would
    /// normalise them to spaces.
    static func attribute(_ value: String) -> String {
        "\"" + XMLText.escaped(value, inAttribute: true) + "\""
    }

    static func text(_ value: String) -> String { XMLText.escaped(value, inAttribute: false) }
}

/// Text made safe for XML 1.0, whatever it holds.
public enum XMLText {
    /// `&`, `<`, `>` (and `"` in an attribute) as entities. Characters XML 1.0 cannot carry at all, even as a
    /// reference (C0 controls but tab and line breaks, U+FFFE, U+FFFF), are written visibly as `\u{1B}`, as
    /// `TerminalText` does. CR (and tab and LF in attributes), DEL and C1 controls, and the line-separator and
    /// bidirectional controls become character references: they survive parsing, and never reach a terminal raw.
    public static func escaped(_ text: String, inAttribute: Bool) -> String {
        var output = ""
        output.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": output += "&amp;"
            case "<": output += "&lt;"
            case ">": output += "&gt;"
            case "\"" where inAttribute: output += "&quot;"
            case "\t", "\n": output += inAttribute ? reference(scalar) : String(scalar)
            case "\r": output += reference(scalar)
            default:
                if !isAllowed(scalar) {
                    output += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
                } else if TerminalText.isUnsafe(scalar) {
                    output += reference(scalar)
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        return output
    }

    /// XML 1.0's `Char`: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF].
    public static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x9, 0xA, 0xD, 0x20...0xD7FF, 0xE000...0xFFFD, 0x10000...0x10FFFF: true
        default: false
        }
    }

    private static func reference(_ scalar: Unicode.Scalar) -> String {
        "&#x" + String(scalar.value, radix: 16, uppercase: true) + ";"
    }
}
