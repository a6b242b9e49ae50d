/// The one way a `Plan` is shown: text for a person, JSON for a script. Every command with a plan uses it.
///
/// Text: one line per resource, `+ create tenant mrdj`, `~ update stage wedding.offerte (…)`, `- delete …`,
/// `! conflict …`, and `= unchanged …` only when verbose; a before/after pair follows as `    - ` / `    + ` lines;
/// then one summary line: `Plan: 2 to create, 1 to update, 0 to delete, 1 conflict, 12 unchanged.` or
/// `No changes (12 unchanged).`, and for an applied run `Done: 2 created, 1 updated, 0 deleted, 0 conflicts,
/// 12 unchanged.` Text taken from outside (names, paths, file lines) is escaped for the terminal.
///
/// JSON (`jsonFormatVersion` "1"), keys always present and in this order:
/// ```
/// {"format_version": "1", "applied": false, "has_changes": true,
///  "summary": {"create": 1, "update": 0, "delete": 0, "conflict": 0, "unchanged": 2},
///  "changes": [{"action": "create", "kind": "tenant", "identity": "mrdj",
///               "detail": null, "before": null, "after": null}, …]}
/// ```
/// `changes` holds every resource, unchanged ones too, in the command's order.
public enum PlanRenderer {
    public static let jsonFormatVersion = "1"

    /// The order counts are given in, in text and in JSON's `summary`.
    static let summaryOrder: [Change.Action] = [.create, .update, .delete, .conflict, .unchanged]

    public static func text(_ plan: Plan, verbose: Bool = false, colour: Bool = false) -> String {
        var output = ""
        for change in plan.changes where verbose || change.action != .unchanged {
            let mark = "\(change.action.symbol) \(change.action.rawValue)"
            output += (colour ? "\u{1B}[\(colourCode(change.action))m\(mark)\u{1B}[0m" : mark)
            output += " \(TerminalText.escaped(change.kind)) \(TerminalText.escaped(change.identity))"
            if let detail = change.detail, !detail.isEmpty { output += " (\(TerminalText.escaped(detail)))" }
            output += "\n"
            for (prefix, text) in [("    - ", change.before), ("    + ", change.after)] {
                guard let text else { continue }
                for line in lines(text) {
                    output += prefix + TerminalText.escaped(String(line), keepingTabs: true) + "\n"
                }
            }
        }
        return output + summary(plan) + "\n"
    }

    /// The closing line on its own.
    public static func summary(_ plan: Plan) -> String {
        if !plan.applied && !plan.hasChanges {
            let unchanged = plan.count(.unchanged)
            return unchanged == 0 ? "No changes." : "No changes (\(unchanged) unchanged)."
        }
        let counts = summaryOrder.map { action -> String in
            let count = plan.count(action)
            switch (action, plan.applied) {
            case (.conflict, _): return count == 1 ? "1 conflict" : "\(count) conflicts"
            case (.unchanged, _): return "\(count) unchanged"
            case (_, true): return "\(count) \(action.pastTense)"
            case (_, false): return "\(count) to \(action.rawValue)"
            }
        }
        return (plan.applied ? "Done: " : "Plan: ") + counts.joined(separator: ", ") + "."
    }

    public static func jsonValue(_ plan: Plan) -> JSONValue {
        func optional(_ text: String?) -> JSONValue { text.map(JSONValue.string) ?? .null }
        return .object([
            ("format_version", .string(jsonFormatVersion)),
            ("applied", .bool(plan.applied)),
            ("has_changes", .bool(plan.hasChanges)),
            ("summary", .object(summaryOrder.map { ($0.rawValue, .int(plan.count($0))) })),
            (
                "changes",
                .array(
                    plan.changes.map { change in
                        .object([
                            ("action", .string(change.action.rawValue)), ("kind", .string(change.kind)),
                            ("identity", .string(change.identity)), ("detail", optional(change.detail)),
                            ("before", optional(change.before)), ("after", optional(change.after)),
                        ])
                    })
            ),
        ])
    }

    /// Pretty-printed, with a final newline.
    public static func json(_ plan: Plan) -> String { jsonValue(plan).serialized(indent: 2) + "\n" }

    private static func colourCode(_ action: Change.Action) -> String {
        switch action {
        case .create: "32"
        case .update: "33"
        case .delete: "31"
        case .unchanged: "2"
        case .conflict: "1;31"
        }
    }

    /// A before/after text as lines; a final line break ends the last line rather than starting an empty one.
    private static func lines(_ text: String) -> [Substring] {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        if lines.count > 1, lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }
}
