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
    /// A point of a checklist no check covers: someone signs it off by hand (UAT's to-do list).
    public struct ManualItem: Sendable, Hashable {
        /// The checklist's own number: `4.2`.
        public var id: String
        public var title: String
        /// Who signs it off.
        public var signOff: String

        public init(id: String, title: String, signOff: String) {
            self.id = id
            self.title = title
            self.signOff = signOff
        }
    }

    /// What ran, for JUnit's `<testsuites name>` and JSON's `name`: `rg-crm smoke`.
    public var name: String
    /// Colour for the text format (a terminal without NO_COLOR).
    public var colour: Bool
    /// The text format's summary line starts with this (`smoke mrdj: 27 passed, 0 failed, 2 skipped`) and its
    /// results are listed under their groups with ✓ ✗ – !; nil keeps the plain `PASS id` listing.
    public var subject: String?
    /// Points checked by hand: the text report ends with them as a to-do list and JSON carries them as `manual`
    /// (nil: no such list, and no `manual` key).
    public var manual: [ManualItem]?

    public init(name: String = "rg-crm", colour: Bool = false, subject: String? = nil, manual: [ManualItem]? = nil) {
        self.name = name
        self.colour = colour
        self.subject = subject
        self.manual = manual
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
        if let subject = context.subject { return Self.grouped(results, subject: subject, context: context) }
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

    /// Results under their groups (in the order groups first appear), `✓ id  title (12 ms)`, then the summary line
    /// and the manual to-do list.
    static func grouped(_ results: [CheckResult], subject: String, context: CheckReportContext) -> String {
        var groups: [String] = []
        var byGroup: [String: [CheckResult]] = [:]
        for result in results {
            if byGroup[result.group] == nil { groups.append(result.group) }
            byGroup[result.group, default: []].append(result)
        }
        var output = ""
        for group in groups {
            output += "\(TerminalText.escaped(group))\n"
            for result in byGroup[group] ?? [] {
                let mark = symbol(result.status)
                let title = result.title.isEmpty ? "" : "  " + TerminalText.escaped(result.title)
                output += "  " + (context.colour ? paint(mark, result.status) : mark) + " "
                output += "\(TerminalText.escaped(result.id))\(title) (\(result.duration.wholeMilliseconds) ms)\n"
                if let message = result.message, !message.isEmpty {
                    output += "      \(TerminalText.escaped(message))\n"
                }
                if let remediation = result.remediation, !remediation.isEmpty, result.status != .pass {
                    output += "      fix: \(TerminalText.escaped(remediation))\n"
                }
                if let location = result.location {
                    output += "      at: \(TerminalText.escaped(location.description))\n"
                }
            }
        }
        let summary = CheckSummary(results)
        output += "\(TerminalText.escaped(subject)): \(summary.passed) passed, \(summary.failed) failed, "
        output += "\(summary.skipped) skipped"
        if summary.errors > 0 { output += summary.errors == 1 ? ", 1 error" : ", \(summary.errors) errors" }
        output += "\n"
        if let manual = context.manual, !manual.isEmpty {
            output += "manual (UAT sign-off):\n"
            for item in manual {
                output += "  [ ] \(TerminalText.escaped(item.id))  \(TerminalText.escaped(item.title))"
                output += " (\(TerminalText.escaped(item.signOff)))\n"
            }
        }
        return output
    }

    static func symbol(_ status: CheckStatus) -> String {
        switch status {
        case .pass: "✓"
        case .fail: "✗"
        case .skip: "–"
        case .error: "!"
        }
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
/// "message", "remediation", "location"}]}`: every key always present, null where a result has no value. With a manual
/// list in the context, `"manual": [{"id", "title", "sign_off"}]` follows the results.
public struct CheckJSONFormatter: CheckFormatter {
    public init() {}

    public func render(_ results: [CheckResult], context: CheckReportContext) -> String {
        let summary = CheckSummary(results)
        var members: [(String, JSONValue)] = [
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
        ]
        if let manual = context.manual {
            members.append(
                (
                    "manual",
                    .array(
                        manual.map {
                            .object([
                                ("id", .string($0.id)), ("title", .string($0.title)), ("sign_off", .string($0.signOff)),
                            ])
                        })
                ))
        }
        let document: JSONValue = .object(members)
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
