/// The report formats of check results (Goss's): `text` for people, `json` for scripts, `junit` and `tap` for CI.
public enum CheckFormat: String, Sendable, CaseIterable {
    case text, json, junit, tap

    public var formatter: any CheckFormatter {
        switch self {
        case .text: CheckTextFormatter()
        case .json: CheckJSONFormatter()
        case .junit: JUnitFormatter()
        case .tap: TAPFormatter()
        }
    }
}

/// Everything a check formatter needs besides the results.
public struct CheckReportContext: Sendable {
    /// What ran, for JUnit's `<testsuites name>` and JSON's `name`: `rg-crm smoke`.
    public var name: String
    /// Colour for the text format (a terminal without NO_COLOR).
    public var colour: Bool

    public init(name: String = "rg-crm", colour: Bool = false) {
        self.name = name
        self.colour = colour
    }
}

/// Renders check results in one format, in the order given. One implementation per `CheckFormat` case.
public protocol CheckFormatter: Sendable {
    func render(_ results: [CheckResult], context: CheckReportContext) -> String
}

extension CheckResult {
    /// `id: title` (or the id alone): how JUnit and TAP name a result.
    var displayName: String { title.isEmpty ? id : "\(id): \(title)" }
}

/// One line per result, `PASS  id  title (12 ms)`, what was found and what to do indented under it, and a summary.
public struct CheckTextFormatter: CheckFormatter {
    public init() {}

    public func render(_ results: [CheckResult], context: CheckReportContext) -> String {
        var output = ""
        for result in results {
            let label = Self.label(result.status)
            let padded = label + String(repeating: " ", count: 6 - label.count)
            let title = result.title.isEmpty ? "" : "  " + TerminalText.escaped(result.title)
            output += (context.colour ? Self.paint(padded, result.status) : padded)
            output += "\(TerminalText.escaped(result.id))\(title) (\(result.duration.wholeMilliseconds) ms)\n"
            if let message = result.message, !message.isEmpty {
                output += "      \(TerminalText.escaped(message))\n"
            }
            if let remediation = result.remediation, !remediation.isEmpty {
                output += "      fix: \(TerminalText.escaped(remediation))\n"
            }
            if let location = result.location {
                output += "      at: \(TerminalText.escaped(location.description))\n"
            }
        }
        let summary = CheckSummary(results)
        let errors = summary.errors == 1 ? "1 error" : "\(summary.errors) errors"
        output += "\(summary.total) check\(summary.total == 1 ? "" : "s"): \(summary.passed) passed, "
        output +=
            "\(summary.failed) failed, \(summary.skipped) skipped, \(errors) (\(summary.duration.secondsText) s)\n"
        return output
    }

    static func label(_ status: CheckStatus) -> String {
        switch status {
        case .pass: "PASS"
        case .fail: "FAIL"
        case .skip: "SKIP"
        case .error: "ERROR"
        }
    }

    private static func paint(_ text: String, _ status: CheckStatus) -> String {
        let code =
            switch status {
            case .pass: "32"
            case .fail: "31"
            case .skip: "33"
            case .error: "35"
            }
        let trimmed = text.trimmingSuffix(" ")
        return "\u{1B}[1;\(code)m\(trimmed)\u{1B}[0m" + String(repeating: " ", count: text.count - trimmed.count)
    }
}

extension String {
    fileprivate func trimmingSuffix(_ character: Character) -> String {
        var text = self
        while text.last == character { text.removeLast() }
        return text
    }
}

/// `{"name", "summary": {…counts, "duration_ms"}, "results": [{"id", "group", "title", "status", "duration_ms",
/// "message", "remediation", "location"}]}`: every key always present, null where a result has no value.
public struct CheckJSONFormatter: CheckFormatter {
    public init() {}

    public func render(_ results: [CheckResult], context: CheckReportContext) -> String {
        let summary = CheckSummary(results)
        let document: JSONValue = .object([
            ("name", .string(context.name)),
            (
                "summary",
                .object([
                    ("total", .int(summary.total)), ("passed", .int(summary.passed)), ("failed", .int(summary.failed)),
                    ("skipped", .int(summary.skipped)), ("errors", .int(summary.errors)),
                    ("duration_ms", .int(summary.duration.wholeMilliseconds)),
                ])
            ),
            ("results", .array(results.map(Self.object))),
        ])
        return document.serialized(indent: 2) + "\n"
    }

    static func object(_ result: CheckResult) -> JSONValue {
        let location: JSONValue =
            result.location.map { location in
                .object([
                    ("file", .string(location.file)), ("line", location.line.map(JSONValue.int) ?? .null),
                    ("column", location.column.map(JSONValue.int) ?? .null),
                ])
            } ?? .null
        return .object([
            ("id", .string(result.id)), ("group", .string(result.group)), ("title", .string(result.title)),
            ("status", .string(result.status.rawValue)), ("duration_ms", .int(result.duration.wholeMilliseconds)),
            ("message", result.message.map(JSONValue.string) ?? .null),
            ("remediation", result.remediation.map(JSONValue.string) ?? .null), ("location", location),
        ])
    }
}
