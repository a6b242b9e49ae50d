import RGCore

/// Metabase's template syntax in native SQL: `{{tag}}` variables and `[[ … ]]` optional clauses. A clause is kept
/// (without its brackets) when every variable in it has a value and dropped otherwise; a variable outside any
/// clause must have a value. The loader uses it to check that every variable a query names is declared, and the
/// tests to run each card's SQL the way Metabase would.
public enum NativeQuery {
    /// A query whose template syntax is malformed: a dashboards file to fix.
    public struct TemplateError: RGError, Equatable {
        public var description: String
        public var category: ExitCategory { .usage }
    }

    /// The variables `sql` names, in order of first use.
    public static func variables(in sql: String) -> [String] {
        var names: [String] = []
        var rest = Substring(sql)
        while let open = rest.range(of: "{{"), let close = rest[open.upperBound...].range(of: "}}") {
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if !names.contains(name) { names.append(name) }
            rest = rest[close.upperBound...]
        }
        return names
    }

    /// `sql` with optional clauses resolved and variables replaced by `values` (SQL text, e.g. `DATE '2026-01-01'`).
    public static func render(_ sql: String, values: [String: String]) throws(TemplateError) -> String {
        var output = ""
        var rest = Substring(sql)
        while let open = rest.range(of: "[[") {
            output += try substitute(rest[..<open.lowerBound], values, optional: false) ?? ""
            guard let close = rest[open.upperBound...].range(of: "]]") else {
                throw TemplateError(description: "an optional clause '[[' is not closed with ']]'")
            }
            output += try substitute(rest[open.upperBound..<close.lowerBound], values, optional: true) ?? ""
            rest = rest[close.upperBound...]
        }
        if rest.contains("]]") { throw TemplateError(description: "']]' without '[['") }
        return output + (try substitute(rest, values, optional: false) ?? "")
    }

    /// The text with its variables replaced; nil for an optional clause with a variable that has no value.
    private static func substitute(_ text: Substring, _ values: [String: String], optional: Bool) throws(TemplateError)
        -> String?
    {
        var output = ""
        var rest = text
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw TemplateError(description: "a variable '{{' is not closed with '}}'")
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let value = values[name] else {
                if optional { return nil }
                throw TemplateError(description: "variable '\(name)' is outside an optional clause and has no value")
            }
            output += rest[..<open.lowerBound] + value
            rest = rest[close.upperBound...]
        }
        return output + rest
    }
}
