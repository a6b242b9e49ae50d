/// One statement of a migration file, with where it starts (1-based line and column in the file).
public struct SQLStatement: Sendable, Equatable {
    public var text: String
    public var line: Int
    public var column: Int
}

/// Splits SQL into statements the way psql does: on `;` outside strings, quoted identifiers,
/// dollar quotes and comments. Statements are sent one at a time so an error names its line.
public enum SQLScript {
    public static func statements(_ sql: String) -> [SQLStatement] {
        let scalars = Array(sql.unicodeScalars)
        var statements: [SQLStatement] = []
        var index = 0
        var line = 1
        var column = 1
        var start: (index: Int, line: Int, column: Int)?
        var parenDepth = 0

        func advance() {
            if scalars[index] == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index += 1
        }
        func peek(_ offset: Int = 0) -> Unicode.Scalar? {
            index + offset < scalars.count ? scalars[index + offset] : nil
        }
        func markStart() {
            if start == nil { start = (index, line, column) }
        }
        func finish(endingAt end: Int) {
            guard let begin = start else { return }
            var text = String(String.UnicodeScalarView(scalars[begin.index..<end]))
            while let last = text.unicodeScalars.last, last.properties.isWhitespace { text.unicodeScalars.removeLast() }
            statements.append(SQLStatement(text: text, line: begin.line, column: begin.column))
            start = nil
        }

        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "-" where peek(1) == "-":
                while index < scalars.count, scalars[index] != "\n" { advance() }
            case "/" where peek(1) == "*":
                // Block comments nest in PostgreSQL.
                var depth = 0
                repeat {
                    if peek() == "/" && peek(1) == "*" {
                        depth += 1
                        advance()
                        advance()
                    } else if peek() == "*" && peek(1) == "/" {
                        depth -= 1
                        advance()
                        advance()
                    } else {
                        advance()
                    }
                } while depth > 0 && index < scalars.count
            case "'":
                markStart()
                let backslashEscapes = index > 0 && (scalars[index - 1] == "E" || scalars[index - 1] == "e")
                advance()
                while index < scalars.count {
                    if backslashEscapes && scalars[index] == "\\" {
                        advance()
                        if index < scalars.count { advance() }
                        continue
                    }
                    if scalars[index] == "'" {
                        advance()
                        if peek() == "'" {
                            advance()
                            continue
                        }
                        break
                    }
                    advance()
                }
            case "\"":
                markStart()
                advance()
                while index < scalars.count {
                    if scalars[index] == "\"" {
                        advance()
                        if peek() == "\"" {
                            advance()
                            continue
                        }
                        break
                    }
                    advance()
                }
            case "$":
                markStart()
                if let tag = dollarTag(scalars, at: index) {
                    for _ in 0..<tag.count { advance() }
                    while index < scalars.count {
                        if scalars[index] == "$", matches(scalars, at: index, tag) {
                            for _ in 0..<tag.count { advance() }
                            break
                        }
                        advance()
                    }
                } else {
                    advance()
                }
            case "(":
                markStart()
                parenDepth += 1
                advance()
            case ")":
                markStart()
                parenDepth = max(0, parenDepth - 1)
                advance()
            case ";" where parenDepth == 0:
                finish(endingAt: index + 1)
                advance()
            default:
                if !scalar.properties.isWhitespace { markStart() }
                advance()
            }
        }
        finish(endingAt: scalars.count)
        return statements
    }

    /// `$tag$` or `$$` starting at `index`, as scalars; nil for a positional parameter like `$1`.
    private static func dollarTag(_ scalars: [Unicode.Scalar], at index: Int) -> [Unicode.Scalar]? {
        if index > 0, scalars[index - 1].properties.isAlphabetic || scalars[index - 1] == "_"
            || ("0"..."9").contains(scalars[index - 1])
        {
            return nil  // part of an identifier like a$b
        }
        var end = index + 1
        while end < scalars.count, scalars[end] != "$" {
            let scalar = scalars[end]
            let allowed = scalar.properties.isAlphabetic || scalar == "_" || (end > index + 1 && ("0"..."9").contains(scalar))
            if !allowed { return nil }
            end += 1
        }
        guard end < scalars.count else { return nil }
        return Array(scalars[index...end])
    }

    private static func matches(_ scalars: [Unicode.Scalar], at index: Int, _ tag: [Unicode.Scalar]) -> Bool {
        guard index + tag.count <= scalars.count else { return false }
        return scalars[index..<(index + tag.count)].elementsEqual(tag)
    }

    /// The first keyword of a statement, uppercased: how transaction control in a migration is recognised.
    public static func leadingKeyword(_ statement: String) -> String {
        String(statement.unicodeScalars.prefix { $0.properties.isAlphabetic || $0 == "_" }).uppercased()
    }
}
