/// `path:line:col: severity: message [rule]`, the source line, and a caret under the column.
public struct TextFormatter: DiagnosticFormatter {
    public init() {}

    public func render(_ diagnostics: [Diagnostic], context: ReportContext) -> String {
        var output = ""
        // The characters of the line quoted last: findings come sorted, so many on one long line split it once.
        var last: (file: String, line: Int, scalars: [Unicode.Scalar])?
        for diagnostic in diagnostics {
            output += Self.headline(diagnostic, colour: context.colour) + "\n"
            if let line = context.sourceLine(diagnostic.file, diagnostic.line) {
                if last?.file != diagnostic.file || last?.line != diagnostic.line {
                    last = (diagnostic.file, diagnostic.line, Array(line.unicodeScalars))
                }
                let (window, windowColumn) = Self.window(last!.scalars, column: diagnostic.column)
                let (quoted, column) = TerminalText.escapedLine(window, column: windowColumn)
                output += quoted + "\n"
                output +=
                    Self.caretPrefix(quoted, column: column) + (context.colour ? "\u{1B}[32m^\u{1B}[0m" : "^") + "\n"
            }
        }
        return output
    }

    /// `path:3:14: error: message [rule]`: the one line of a finding, in every text report. The file name and the
    /// message are the user's text: control characters are escaped.
    public static func headline(_ diagnostic: Diagnostic, colour: Bool) -> String {
        let severity = diagnostic.severity.rawValue
        let painted = colour ? paint(severity, diagnostic.severity) : severity
        let place = "\(TerminalText.escaped(diagnostic.file)):\(diagnostic.line):\(diagnostic.column):"
        let message = TerminalText.escaped(diagnostic.message)
        return "\(colour ? "\u{1B}[1m\(place)\u{1B}[0m" : place) \(painted): \(message) [\(diagnostic.rule)]"
    }

    /// Lines longer than this many characters are quoted as a window around the column.
    static let quoteWidth = 160

    /// The part of a long line around `column`, with "…" where text is left out, and the column within it: a finding
    /// on a minified 2 MB line quotes 160 characters, not the line.
    static func window(_ scalars: [Unicode.Scalar], column: Int) -> (text: String, column: Int) {
        guard scalars.count > quoteWidth else { return (String(String.UnicodeScalarView(scalars)), column) }
        let start = max(0, min(column - 1 - quoteWidth / 2, scalars.count - quoteWidth))
        let end = min(scalars.count, start + quoteWidth)
        var text = String(String.UnicodeScalarView(scalars[start..<end]))
        var shifted = column - start
        if start > 0 {
            text = "…" + text
            shifted += 1
        }
        if end < scalars.count { text += "…" }
        return (text, shifted)
    }

    /// Spaces up to the column, keeping the line's tabs so the caret lines up in a terminal. Columns count Unicode
    /// code points (as libyaml does); combining marks take no space on screen, so they get none.
    static func caretPrefix(_ line: String, column: Int) -> String {
        var prefix = ""
        let scalars = line.unicodeScalars
        for scalar in scalars.prefix(max(0, column - 1)) {
            switch scalar.properties.generalCategory {
            case .nonspacingMark, .enclosingMark: continue
            default: prefix += scalar == "\t" ? "\t" : " "
            }
        }
        if column - 1 > scalars.count { prefix += String(repeating: " ", count: column - 1 - scalars.count) }
        return prefix
    }

    private static func paint(_ text: String, _ severity: Severity) -> String {
        let code =
            switch severity {
            case .error: "31"
            case .warning: "33"
            case .note: "36"
            }
        return "\u{1B}[1;\(code)m\(text)\u{1B}[0m"
    }
}

/// An array of `{"file","line","column","severity","rule","message"}`.
public struct JSONFormatter: DiagnosticFormatter {
    public init() {}

    public func render(_ diagnostics: [Diagnostic], context: ReportContext) -> String {
        JSONValue.array(diagnostics.map(Self.object)).serialized(indent: 2) + "\n"
    }

    static func object(_ diagnostic: Diagnostic) -> JSONValue {
        .object([
            ("file", .string(diagnostic.file)), ("line", .int(diagnostic.line)), ("column", .int(diagnostic.column)),
            ("severity", .string(diagnostic.severity.rawValue)), ("rule", .string(diagnostic.rule)),
            ("message", .string(diagnostic.message)),
        ])
    }
}

/// SARIF 2.1.0, one run, every known rule in `tool.driver.rules`.
public struct SARIFFormatter: DiagnosticFormatter {
    public init() {}

    public func render(_ diagnostics: [Diagnostic], context: ReportContext) -> String {
        var ruleIndex: [String: Int] = [:]
        var rules = context.rules
        for (index, rule) in rules.enumerated() { ruleIndex[rule.id] = index }
        for diagnostic in diagnostics where ruleIndex[diagnostic.rule] == nil {
            ruleIndex[diagnostic.rule] = rules.count
            rules.append(RuleDescription(id: diagnostic.rule, summary: diagnostic.rule, severity: diagnostic.severity))
        }
        var driverMembers: [(String, JSONValue)] = [
            ("name", .string(context.toolName)), ("version", .string(context.toolVersion)),
        ]
        if let informationURI = context.informationURI {
            driverMembers.append(("informationUri", .string(informationURI)))
        }
        driverMembers.append(
            (
                "rules",
                .array(
                    rules.map { rule in
                        .object([
                            ("id", .string(rule.id)),
                            ("shortDescription", .object([("text", .string(rule.summary))])),
                            ("defaultConfiguration", .object([("level", .string(Self.level(rule.severity)))])),
                        ])
                    })
            ))
        let driver: JSONValue = .object(driverMembers)
        let results: [JSONValue] = diagnostics.map { diagnostic in
            .object([
                ("ruleId", .string(diagnostic.rule)),
                ("ruleIndex", .int(ruleIndex[diagnostic.rule] ?? 0)),
                ("level", .string(Self.level(diagnostic.severity))),
                ("message", .object([("text", .string(diagnostic.message))])),
                (
                    "locations",
                    .array([
                        .object([
                            (
                                "physicalLocation",
                                .object([
                                    ("artifactLocation", .object([("uri", .string(Self.uri(diagnostic.file)))])),
                                    (
                                        "region",
                                        .object([
                                            ("startLine", .int(max(1, diagnostic.line))),
                                            ("startColumn", .int(max(1, diagnostic.column))),
                                        ])
                                    ),
                                ])
                            )
                        ])
                    ])
                ),
            ])
        }
        let log: JSONValue = .object([
            ("$schema", .string("https://json.schemastore.org/sarif-2.1.0.json")),
            ("version", .string("2.1.0")),
            (
                "runs",
                .array([
                    .object([
                        ("tool", .object([("driver", driver)])),
                        // Columns are Unicode code points (libyaml's), not SARIF's default of UTF-16 code units.
                        ("columnKind", .string("unicodeCodePoints")),
                        ("results", .array(results)),
                    ])
                ])
            ),
        ])
        return log.serialized(indent: 2) + "\n"
    }

    static func level(_ severity: Severity) -> String {
        switch severity {
        case .error: "error"
        case .warning: "warning"
        case .note: "note"
        }
    }

    /// A relative URI reference: path segments percent-encoded where RFC 3986 requires it.
    static func uri(_ path: String) -> String {
        var output = ""
        for byte in path.utf8 {
            let unreserved =
                (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || "-._~/".utf8.contains(byte)
            if unreserved {
                output.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                let hex = String(byte, radix: 16, uppercase: true)
                output += "%" + (hex.count == 1 ? "0" + hex : hex)
            }
        }
        return output
    }
}

/// GitHub Actions workflow commands: `::error file=…,line=…,col=…,title=RULE::message`.
public struct GitHubFormatter: DiagnosticFormatter {
    public init() {}

    public func render(_ diagnostics: [Diagnostic], context: ReportContext) -> String {
        diagnostics.map { diagnostic in
            let command =
                diagnostic.severity == .error ? "error" : diagnostic.severity == .warning ? "warning" : "notice"
            let properties = [
                "file=\(Self.escapeProperty(diagnostic.file))", "line=\(diagnostic.line)", "col=\(diagnostic.column)",
                "title=\(Self.escapeProperty(diagnostic.rule))",
            ].joined(separator: ",")
            return "::\(command) \(properties)::\(Self.escapeData(diagnostic.message))\n"
        }.joined()
    }

    /// GitHub's escaping for the message part (actions/toolkit `escapeData`).
    static func escapeData(_ text: String) -> String {
        escape(text, [("%", "%25"), ("\r", "%0D"), ("\n", "%0A")])
    }

    /// GitHub's escaping for property values (actions/toolkit `escapeProperty`).
    static func escapeProperty(_ text: String) -> String {
        escape(text, [("%", "%25"), ("\r", "%0D"), ("\n", "%0A"), (":", "%3A"), (",", "%2C")])
    }

    /// By Unicode scalar, so that "\r\n" (one Character in Swift) is escaped as two. Other control characters
    /// (ESC, C1, bidi overrides) are written as `TerminalText` writes them: GitHub's log viewer would act on them.
    private static func escape(_ text: String, _ table: [(Unicode.Scalar, String)]) -> String {
        var output = ""
        for scalar in text.unicodeScalars {
            if let replacement = table.first(where: { $0.0 == scalar })?.1 {
                output += replacement
            } else if let escaped = TerminalText.escape(scalar, keepingTabs: false) {
                output += escaped
            } else {
                output.unicodeScalars.append(scalar)
            }
        }
        return output
    }
}
