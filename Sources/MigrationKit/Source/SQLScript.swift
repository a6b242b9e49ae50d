import RGCore

/// One statement of a migration file, with where it starts in the file (lines end at LF, CRLF or CR).
public struct SQLStatement: Sendable, Equatable {
    public var text: String
    public var position: SourcePosition
}

/// Splits SQL into statements the way psql does: on `;` outside strings, quoted identifiers,
/// dollar quotes, comments, parentheses and `BEGIN ATOMIC … END` function bodies. Statements are sent one
/// at a time so an error names its line.
public enum SQLScript {
    public static func statements(_ sql: String) -> [SQLStatement] {
        scan(sql).statements
    }

    /// The statements, and where a backslash stands outside quotes and comments: psql would take it for a
    /// meta-command (`\c`, `\i`, `\;` …), which the server does not understand.
    public static func scan(_ sql: String) -> (statements: [SQLStatement], metaCommands: [SourcePosition]) {
        let scalars = Array(sql.unicodeScalars)
        let lines = LineIndex(sql, breaks: .lfCRLFCR)
        var statements: [SQLStatement] = []
        var metaCommands: [SourcePosition] = []
        var index = 0
        var start: Int?
        var parenDepth = 0
        // psql's heuristic for SQL-standard function bodies: in a statement that starts
        // CREATE [OR REPLACE] FUNCTION|PROCEDURE, outside parentheses, BEGIN opens a block, CASE inside one
        // opens another and END closes one; semicolons inside a block do not end the statement.
        var leadingWords: [Unicode.Scalar] = []
        var wordCount = 0
        var beginDepth = 0

        func advance() {
            index += 1
        }
        func peek(_ offset: Int = 0) -> Unicode.Scalar? {
            index + offset < scalars.count ? scalars[index + offset] : nil
        }
        func markStart() {
            if start == nil { start = index }
        }
        func finish(endingAt end: Int) {
            leadingWords = []
            wordCount = 0
            beginDepth = 0
            guard let begin = start else { return }
            var text = String(String.UnicodeScalarView(scalars[begin..<end]))
            while let last = text.unicodeScalars.last, last.properties.isWhitespace { text.unicodeScalars.removeLast() }
            statements.append(SQLStatement(text: text, position: lines.position(ofCodePoint: begin)))
            start = nil
        }
        func word(_ word: String) {
            if wordCount < 4 {
                let tracked = ["create", "or", "replace", "function", "procedure"].contains(word)
                leadingWords.append(tracked ? word.unicodeScalars.first! : "\0")
            }
            wordCount += 1
            let definesRoutine =
                leadingWords.first == "c"
                && (leadingWords.dropFirst().first == "f" || leadingWords.dropFirst().first == "p"
                    || (leadingWords.count >= 4 && leadingWords[1] == "o" && leadingWords[2] == "r"
                        && (leadingWords[3] == "f" || leadingWords[3] == "p")))
            guard definesRoutine, parenDepth == 0 else { return }
            switch word {
            case "begin": beginDepth += 1
            case "case" where beginDepth >= 1: beginDepth += 1
            case "end" where beginDepth > 0: beginDepth -= 1
            default: break
            }
        }

        while index < scalars.count {
            let scalar = scalars[index]
            switch scalar {
            case "-" where peek(1) == "-":
                // To the end of the line, which for the server's lexer is LF or CR.
                while index < scalars.count, scalars[index] != "\n", scalars[index] != "\r" { advance() }
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
                // E'…' only when the E is a token of its own: in `xe'…'` it ends the identifier `xe`.
                let backslashEscapes =
                    index > 0 && (scalars[index - 1] == "E" || scalars[index - 1] == "e")
                    && (index < 2 || !isIdentifierContinuation(scalars[index - 2]))
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
            case ";" where parenDepth == 0 && beginDepth == 0:
                finish(endingAt: index + 1)
                advance()
            case "\\":
                markStart()
                metaCommands.append(lines.position(ofCodePoint: index))
                advance()
            case _ where isIdentifierStart(scalar):
                markStart()
                var text = String.UnicodeScalarView()
                while index < scalars.count, isIdentifierContinuation(scalars[index]) {
                    text.append(scalars[index])
                    advance()
                }
                word(String(text).lowercased())
            case "0"..."9":
                // A number, with whatever letters follow it (1e5, 0x1F): not a word.
                markStart()
                while index < scalars.count, isIdentifierContinuation(scalars[index]) || scalars[index] == "." {
                    advance()
                }
            default:
                if !scalar.properties.isWhitespace { markStart() }
                advance()
            }
        }
        finish(endingAt: scalars.count)
        return (statements, metaCommands)
    }

    /// How the server's lexer starts an identifier or keyword: a letter, `_`, or any non-ASCII character.
    static func isIdentifierStart(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || scalar == "_" || scalar.value >= 0x80
    }

    static func isIdentifierContinuation(_ scalar: Unicode.Scalar) -> Bool {
        isIdentifierStart(scalar) || ("0"..."9").contains(scalar) || scalar == "$"
    }

    /// `$tag$` or `$$` starting at `index`, as scalars; nil for a positional parameter like `$1`.
    private static func dollarTag(_ scalars: [Unicode.Scalar], at index: Int) -> [Unicode.Scalar]? {
        if index > 0, isIdentifierStart(scalars[index - 1]) || ("0"..."9").contains(scalars[index - 1]) {
            return nil  // part of an identifier like a$b
        }
        var end = index + 1
        while end < scalars.count, scalars[end] != "$" {
            let scalar = scalars[end]
            let allowed = isIdentifierStart(scalar) || (end > index + 1 && ("0"..."9").contains(scalar))
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

    /// The settings `SET TRANSACTION` and `SET SESSION CHARACTERISTICS AS TRANSACTION` stand for.
    static let transactionSettings: Set<String> = [
        "transaction_isolation", "transaction_read_only", "transaction_deferrable",
        "default_transaction_isolation", "default_transaction_read_only", "default_transaction_deferrable",
    ]

    /// The transaction-control command a statement is, as PostgreSQL spells it (`COMMIT`, `ROLLBACK TO`,
    /// `SET TRANSACTION` …), or nil. Keywords in any case, with comments anywhere between them. Covers
    /// BEGIN, START TRANSACTION, COMMIT [PREPARED], END, ROLLBACK [PREPARED | TO], ABORT, SAVEPOINT, RELEASE,
    /// PREPARE TRANSACTION, SET [SESSION | LOCAL] TRANSACTION, SET SESSION CHARACTERISTICS, and SET or RESET of
    /// the settings those two change (which would change the mode of rg-crm's transaction or of every later one).
    public static func transactionControl(_ statement: String) -> String? {
        let words = leadingWords(statement, count: 4)
        guard let first = words.first else { return nil }
        // The same settings for later sessions (ALTER ROLE … SET default_transaction_read_only), or through the
        // function that sets them (set_config('default_transaction_read_only', 'on', false)): every later
        // migration, of this run and of the next ones, would run in another mode.
        if first == "alter", let name = persistentTransactionSetting(statement) { return "ALTER … SET \(name)" }
        if let name = transactionSettingThroughSetConfig(statement) { return "set_config('\(name)', …)" }
        func word(_ index: Int) -> String? { index < words.count ? words[index] : nil }
        switch first {
        case "begin", "commit", "end", "rollback", "abort", "savepoint", "release", "start":
            if ["commit", "rollback"].contains(first), let second = word(1), ["prepared", "to"].contains(second) {
                return "\(first) \(second)".uppercased()
            }
            return first == "start" ? "START TRANSACTION" : first.uppercased()
        case "prepare" where word(1) == "transaction":
            return "PREPARE TRANSACTION"
        case "set":
            var next = 1
            if word(1) == "session" && word(2) == "characteristics" { return "SET SESSION CHARACTERISTICS" }
            if let scope = word(1), ["session", "local"].contains(scope) { next = 2 }
            if word(next) == "transaction" { return "SET TRANSACTION" }
            if word(next) == "session" && word(next + 1) == "characteristics" { return "SET SESSION CHARACTERISTICS" }
            if let name = word(next), transactionSettings.contains(name) { return "SET \(name)" }
            return nil
        case "reset":
            if let name = word(1), transactionSettings.contains(name) { return "RESET \(name)" }
            return nil
        default:
            return nil
        }
    }

    /// `ALTER ROLE|USER|DATABASE … [IN DATABASE …] SET|RESET <transaction setting>`: the setting's name, or nil.
    static func persistentTransactionSetting(_ statement: String) -> String? {
        let words = leadingWords(statement, count: 9)
        guard words.count >= 4, ["role", "user", "database"].contains(words[1]) else { return nil }
        for index in 2..<(words.count - 1) where ["set", "reset"].contains(words[index]) {
            if transactionSettings.contains(words[index + 1]) { return words[index + 1] }
        }
        return nil
    }

    /// A transaction setting named as a literal in a call of set_config anywhere in the statement, or nil.
    static func transactionSettingThroughSetConfig(_ statement: String) -> String? {
        let text = statement.lowercased()
        guard text.contains("set_config") else { return nil }
        return transactionSettings.sorted { $0.count > $1.count }.first { text.contains("'\($0)'") }
    }

    /// The first `count` words of a statement, lowercased, skipping whitespace and comments; a quoted
    /// identifier counts as a word too (as a setting's name it means the same), anything else ends the list.
    static func leadingWords(_ statement: String, count: Int) -> [String] {
        let scalars = Array(statement.unicodeScalars)
        var words: [String] = []
        var index = 0
        while index < scalars.count, words.count < count {
            let scalar = scalars[index]
            if scalar.properties.isWhitespace {
                index += 1
            } else if scalar == "-", index + 1 < scalars.count, scalars[index + 1] == "-" {
                while index < scalars.count, scalars[index] != "\n", scalars[index] != "\r" { index += 1 }
            } else if scalar == "/", index + 1 < scalars.count, scalars[index + 1] == "*" {
                var depth = 0
                repeat {
                    if index + 1 < scalars.count, scalars[index] == "/", scalars[index + 1] == "*" {
                        depth += 1
                        index += 2
                    } else if index + 1 < scalars.count, scalars[index] == "*", scalars[index + 1] == "/" {
                        depth -= 1
                        index += 2
                    } else {
                        index += 1
                    }
                } while depth > 0 && index < scalars.count
            } else if isIdentifierStart(scalar) {
                var word = String.UnicodeScalarView()
                while index < scalars.count, isIdentifierContinuation(scalars[index]) {
                    word.append(scalars[index])
                    index += 1
                }
                words.append(String(word).lowercased())
            } else if scalar == "\"" {
                var word = String.UnicodeScalarView()
                index += 1
                while index < scalars.count {
                    if scalars[index] == "\"" {
                        if index + 1 < scalars.count, scalars[index + 1] == "\"" {
                            word.append("\"")
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    word.append(scalars[index])
                    index += 1
                }
                // Quoted, a keyword is only an identifier: mark it so that it matches no keyword, but keep
                // the name of a setting, which PostgreSQL looks up case-insensitively.
                let name = String(word).lowercased()
                words.append(transactionSettings.contains(name) ? name : "\"\(String(word))\"")
            } else {
                break
            }
        }
        return words
    }
}
