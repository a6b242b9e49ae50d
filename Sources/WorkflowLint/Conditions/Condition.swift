import RGCore

/// Conditions (`when:`): comparisons, `in [list]`, `and`, `or`, `not`, parentheses, numbers, quoted strings,
/// `true`/`false`/`null` and field paths. Parsed and type-checked in one pass; every problem carries the character
/// offset of its token inside the condition text.
public struct ConditionProblem: RGError, Sendable, Hashable {
    public enum Kind: Sendable, Hashable {
        case syntax, unknownField, type
        /// A stage field (`to_stage`, `from_stage`, `deal.stage`) compared with a string that is not a stage key.
        case unknownStage
    }
    public var kind: Kind
    /// Offset in the condition text, in Unicode scalars (libyaml's columns).
    public var offset: Int
    public var message: String

    /// A condition that does not parse or type-check is bad input.
    public var category: ExitCategory { .usage }
    public var description: String { message }
}

public enum ConditionChecker {
    static let maximumLength = 4096
    static let maximumDepth = 64

    /// Checks `text` against the fields of a trigger (nil: fields are not checked, only syntax and literals).
    /// Fields whose values are stage keys: string literals compared with them are checked against `stages`.
    static let stageFields: Set<String> = ["from_stage", "to_stage", "deal.stage"]

    /// `stages`: the tenant's stage keys (nil: not checked).
    public static func check(
        _ text: String, fields: [String: ValueType]?, trigger: String?, stages: Set<String>? = nil
    ) -> [ConditionProblem] {
        let length = text.utf8.count <= maximumLength * 4 ? text.unicodeScalars.count : Int.max
        guard length <= maximumLength else {
            return [
                ConditionProblem(kind: .syntax, offset: 0, message: "condition longer than \(maximumLength) characters")
            ]
        }
        var tokens: [Token] = []
        switch tokenize(text) {
        case .success(let result): tokens = result
        case .failure(let problem): return [problem]
        }
        var parser = Parser(tokens: tokens, fields: fields, trigger: trigger, length: length)
        parser.stages = stages
        do throws(ConditionProblem) {
            let result = try parser.expression(depth: 0)
            if parser.index < tokens.count {
                let token = tokens[parser.index]
                throw ConditionProblem(
                    kind: .syntax, offset: token.offset,
                    message: "unexpected \(token.describe) after a complete condition")
            }
            if result.type != .bool && result.type != .unknown {
                parser.problems.append(
                    ConditionProblem(
                        kind: .type, offset: result.offset,
                        message: "a condition must be true or false, this is \(result.type)"))
            }
        } catch {
            parser.problems.append(error)
        }
        return parser.problems
    }

    // MARK: Tokens

    enum Keyword: String {
        case and, or, not, `in`, `true`, `false`, null
    }

    enum Symbol: String {
        case equal = "=="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case openParenthesis = "("
        case closeParenthesis = ")"
        case openBracket = "["
        case closeBracket = "]"
        case comma = ","

        var isComparison: Bool {
            switch self {
            case .equal, .notEqual, .less, .lessOrEqual, .greater, .greaterOrEqual: true
            default: false
            }
        }

        var isOrdering: Bool { isComparison && self != .equal && self != .notEqual }
    }

    enum TokenKind: Hashable {
        case number(Double)
        case string(String)
        case path(String)
        case keyword(Keyword)
        case symbol(Symbol)
    }

    struct Token {
        var kind: TokenKind
        var offset: Int
        var length: Int

        var describe: String {
            switch kind {
            case .number(let value): "number \(value.formatted)"
            case .string(let text): "string \"\(text)\""
            case .path(let path): "'\(path)'"
            case .keyword(let word): "'\(word.rawValue)'"
            case .symbol(let symbol): "'\(symbol.rawValue)'"
            }
        }
    }

    /// Works on UTF-8 bytes; offsets count Unicode scalars, as libyaml counts columns.
    static func tokenize(_ text: String) -> Result<[Token], ConditionProblem> {
        var text = text
        return text.withUTF8 { tokenize(bytes: $0) }
    }

    private static func tokenize(bytes: UnsafeBufferPointer<UInt8>) -> Result<[Token], ConditionProblem> {
        // Byte index → scalar index; the identity for ASCII text (nearly every condition).
        var scalarIndex: [Int]? = nil
        if bytes.contains(where: { $0 >= 0x80 }) {
            var map: [Int] = []
            map.reserveCapacity(bytes.count + 1)
            var count = 0
            for byte in bytes {
                map.append(count)
                if byte & 0xC0 != 0x80 { count += 1 }
            }
            map.append(count)
            scalarIndex = map
        }
        func offset(_ byteIndex: Int) -> Int { scalarIndex?[byteIndex] ?? byteIndex }
        func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        func isIdentifierStart(_ c: UInt8) -> Bool { (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F }
        func isIdentifier(_ c: UInt8) -> Bool { isIdentifierStart(c) || isDigit(c) }
        func slice(_ range: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
        }
        func token(_ kind: TokenKind, _ range: Range<Int>) -> Token {
            Token(
                kind: kind, offset: offset(range.lowerBound),
                length: offset(range.upperBound) - offset(range.lowerBound))
        }
        func failure(_ at: Int, _ message: String) -> Result<[Token], ConditionProblem> {
            .failure(ConditionProblem(kind: .syntax, offset: offset(at), message: message))
        }
        var tokens: [Token] = []
        tokens.reserveCapacity(bytes.count / 3)
        var index = 0
        while index < bytes.count {
            let c = bytes[index]
            let start = index
            if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D {
                index += 1
                continue
            }
            let negative =
                c == UInt8(ascii: "-") && index + 1 < bytes.count && isDigit(bytes[index + 1])
                && !(tokens.last.map(endsOperand) ?? false)
            if isDigit(c) || negative {
                index += 1
                while index < bytes.count
                    && (isDigit(bytes[index]) || bytes[index] == UInt8(ascii: ".") || bytes[index] == UInt8(ascii: "_"))
                {
                    index += 1
                }
                var literal = slice(start..<index)
                if bytes[start..<index].contains(UInt8(ascii: "_")) { literal.removeAll { $0 == "_" } }
                guard let value = ScalarType.decimal(literal), literal.utf8.last != UInt8(ascii: ".") else {
                    return failure(start, "'\(literal)' is not a number")
                }
                if index < bytes.count && isIdentifierStart(bytes[index]) {
                    return failure(start, "'\(slice(start..<index + 1))…' is not a number or a field")
                }
                tokens.append(token(.number(value), start..<index))
                continue
            }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                index += 1
                var value: [UInt8] = []
                var closed = false
                while index < bytes.count {
                    let d = bytes[index]
                    if d == UInt8(ascii: "\\") && index + 1 < bytes.count {
                        value.append(bytes[index + 1])
                        index += 2
                        continue
                    }
                    index += 1
                    if d == c {
                        closed = true
                        break
                    }
                    value.append(d)
                }
                guard closed else {
                    return failure(start, "string starting here is not closed with \(Unicode.Scalar(c))")
                }
                tokens.append(token(.string(String(decoding: value, as: UTF8.self)), start..<index))
                continue
            }
            if isIdentifierStart(c) {
                while index < bytes.count
                    && (isIdentifier(bytes[index])
                        || (bytes[index] == UInt8(ascii: ".") && index + 1 < bytes.count
                            && isIdentifierStart(bytes[index + 1])))
                {
                    index += 1
                }
                let word = slice(start..<index)
                // Keywords are two to five lower-case letters: longer words and paths are fields.
                let keyword = index - start <= 5 ? Keyword(rawValue: word) : nil
                tokens.append(token(keyword.map { .keyword($0) } ?? .path(word), start..<index))
                continue
            }
            let next = index + 1 < bytes.count ? bytes[index + 1] : 0
            if next == UInt8(ascii: "=")
                && (c == UInt8(ascii: "=") || c == UInt8(ascii: "!") || c == UInt8(ascii: "<")
                    || c == UInt8(ascii: ">"))
            {
                let symbol: Symbol =
                    switch c {
                    case UInt8(ascii: "="): .equal
                    case UInt8(ascii: "!"): .notEqual
                    case UInt8(ascii: "<"): .lessOrEqual
                    default: .greaterOrEqual
                    }
                tokens.append(token(.symbol(symbol), index..<index + 2))
                index += 2
                continue
            }
            if (c == UInt8(ascii: "&") && next == c) || (c == UInt8(ascii: "|") && next == c) {
                let pair = slice(index..<index + 2)
                return failure(start, "'\(pair)' is not an operator here; write '\(pair == "&&" ? "and" : "or")'")
            }
            let single: Symbol? =
                switch c {
                case UInt8(ascii: "<"): .less
                case UInt8(ascii: ">"): .greater
                case UInt8(ascii: "("): .openParenthesis
                case UInt8(ascii: ")"): .closeParenthesis
                case UInt8(ascii: "["): .openBracket
                case UInt8(ascii: "]"): .closeBracket
                case UInt8(ascii: ","): .comma
                default: nil
                }
            if let symbol = single {
                tokens.append(token(.symbol(symbol), index..<index + 1))
                index += 1
                continue
            }
            if c == UInt8(ascii: "=") { return failure(start, "'=' is not an operator; write '==' to compare") }
            if c == UInt8(ascii: "!") { return failure(start, "'!' is not an operator here; write 'not' or '!='") }
            var end = index + 1
            while end < bytes.count && bytes[end] & 0xC0 == 0x80 { end += 1 }
            return failure(start, "unexpected character '\(slice(index..<end))'")
        }
        return .success(tokens)
    }

    private static func endsOperand(_ token: Token) -> Bool {
        switch token.kind {
        case .number, .string, .path: true
        case .keyword(let word): word == .true || word == .false || word == .null
        case .symbol(let symbol): symbol == .closeParenthesis || symbol == .closeBracket
        }
    }

    // MARK: Parser and types

    struct Typed {
        var type: ValueType
        var offset: Int
        /// A literal operand (its type is what it is); a field's type comes from the data model.
        var isLiteral: Bool
        var elementTypes: [(ValueType, Int)] = []
        /// A string literal's text, or a field's path: for the stage check.
        var text: String? = nil
        var elementTexts: [(String, Int)] = []
    }

    struct Parser {
        let tokens: [Token]
        let fields: [String: ValueType]?
        let trigger: String?
        let length: Int
        var index = 0
        var problems: [ConditionProblem] = []
        var stages: Set<String>?

        init(tokens: [Token], fields: [String: ValueType]?, trigger: String?, length: Int) {
            self.tokens = tokens
            self.fields = fields
            self.trigger = trigger
            self.length = length
        }

        var current: Token? { index < tokens.count ? tokens[index] : nil }

        func isKeyword(_ word: Keyword) -> Bool {
            if case .keyword(word)? = current?.kind { return true }
            return false
        }

        func isSymbol(_ symbol: Symbol) -> Bool {
            if case .symbol(symbol)? = current?.kind { return true }
            return false
        }

        func unexpected(_ expected: String) -> ConditionProblem {
            guard let token = current else {
                return ConditionProblem(
                    kind: .syntax, offset: length, message: "condition ends where \(expected) was expected")
            }
            return ConditionProblem(
                kind: .syntax, offset: token.offset, message: "expected \(expected), found \(token.describe)")
        }

        mutating func expression(depth: Int) throws(ConditionProblem) -> Typed {
            guard depth < ConditionChecker.maximumDepth else {
                throw ConditionProblem(
                    kind: .syntax, offset: current?.offset ?? length,
                    message: "condition nested deeper than \(ConditionChecker.maximumDepth) levels")
            }
            var left = try conjunction(depth: depth)
            while isKeyword(.or) {
                index += 1
                let right = try conjunction(depth: depth)
                left = logical(left, right, .or)
            }
            return left
        }

        mutating func conjunction(depth: Int) throws(ConditionProblem) -> Typed {
            var left = try negation(depth: depth)
            while isKeyword(.and) {
                index += 1
                let right = try negation(depth: depth)
                left = logical(left, right, .and)
            }
            return left
        }

        mutating func logical(_ left: Typed, _ right: Typed, _ word: Keyword) -> Typed {
            for operand in [left, right] where operand.type != .bool && operand.type != .unknown {
                problems.append(
                    ConditionProblem(
                        kind: .type, offset: operand.offset,
                        message: "'\(word.rawValue)' needs true or false on both sides, this is \(operand.type)"))
            }
            return Typed(type: .bool, offset: left.offset, isLiteral: false)
        }

        mutating func negation(depth: Int) throws(ConditionProblem) -> Typed {
            if isKeyword(.not) {
                let offset = current!.offset
                index += 1
                guard depth + 1 < ConditionChecker.maximumDepth else {
                    throw ConditionProblem(
                        kind: .syntax, offset: offset,
                        message: "condition nested deeper than \(ConditionChecker.maximumDepth) levels")
                }
                let operand = try negation(depth: depth + 1)
                if operand.type != .bool && operand.type != .unknown {
                    problems.append(
                        ConditionProblem(
                            kind: .type, offset: operand.offset,
                            message: "'not' needs true or false, this is \(operand.type)"))
                }
                return Typed(type: .bool, offset: offset, isLiteral: false)
            }
            return try comparison(depth: depth)
        }

        mutating func comparison(depth: Int) throws(ConditionProblem) -> Typed {
            let left = try primary(depth: depth)
            if case .symbol(let op)? = current?.kind, op.isComparison {
                index += 1
                let right = try primary(depth: depth)
                compare(left, op, right)
                if !op.isOrdering {
                    checkStage(left, right)
                    checkStage(right, left)
                }
                return Typed(type: .bool, offset: left.offset, isLiteral: false)
            }
            var negated = false
            if isKeyword(.not), index + 1 < tokens.count, case .keyword(.in) = tokens[index + 1].kind {
                index += 1
                negated = true
            }
            if isKeyword(.in) {
                index += 1
                guard isSymbol(.openBracket) else {
                    throw unexpected("a list like [\"a\", \"b\"] after '\(negated ? "not in" : "in")'")
                }
                let list = try primary(depth: depth)
                if let path = left.text, !left.isLiteral, ConditionChecker.stageFields.contains(path) {
                    for (text, offset) in list.elementTexts { checkStage(path, text, at: offset) }
                }
                if left.type == .list {
                    problems.append(
                        ConditionProblem(
                            kind: .type, offset: left.offset,
                            message: "'in' needs a single value on its left, this is a list"))
                } else if left.type != .unknown {
                    for (type, offset) in list.elementTypes where type != left.type && type != .null {
                        problems.append(
                            ConditionProblem(
                                kind: .type, offset: offset,
                                message: "list item is \(type), but the value on the left of 'in' is \(left.type)"))
                    }
                }
                return Typed(type: .bool, offset: left.offset, isLiteral: false)
            }
            return left
        }

        mutating func checkStage(_ field: Typed, _ value: Typed) {
            guard !field.isLiteral, let path = field.text, ConditionChecker.stageFields.contains(path), value.isLiteral,
                value.type == .string, let text = value.text
            else { return }
            checkStage(path, text, at: value.offset)
        }

        mutating func checkStage(_ path: String, _ text: String, at offset: Int) {
            guard let stages, !stages.contains(text) else { return }
            let hint = Suggestion.closest(to: text, in: Array(stages)).map { " (did you mean '\($0)'?)" } ?? ""
            problems.append(
                ConditionProblem(
                    kind: .unknownStage, offset: offset,
                    message: "\(path) is compared with '\(text)', which is not a stage key of the pipeline\(hint)"))
        }

        mutating func compare(_ left: Typed, _ symbol: Symbol, _ right: Typed) {
            let op = symbol.rawValue
            guard left.type != .unknown && right.type != .unknown else { return }
            // Blame the literal (the side a person typed by hand), else the right-hand side.
            let blamed = left.isLiteral && !right.isLiteral ? left : right
            let other = blamed.offset == left.offset ? right : left
            if symbol.isOrdering {
                if left.type == right.type && (left.type == .number || left.type == .string) { return }
                if other.type == .number || other.type == .string {
                    problems.append(
                        ConditionProblem(
                            kind: .type, offset: blamed.offset,
                            message:
                                "'\(op)' compares \(other.type) with \(blamed.type)\(Self.hint(blamed, other.type))"))
                } else {
                    problems.append(
                        ConditionProblem(
                            kind: .type, offset: other.offset,
                            message: "'\(op)' needs numbers or strings, this is \(other.type)"))
                }
                return
            }
            if left.type == right.type || left.type == .null || right.type == .null { return }
            problems.append(
                ConditionProblem(
                    kind: .type, offset: blamed.offset,
                    message:
                        "'\(op)' compares \(other.type) with \(blamed.type); they are never equal\(Self.hint(blamed, other.type))"
                ))
        }

        static func hint(_ value: Typed, _ wanted: ValueType) -> String {
            value.isLiteral && value.type == .string && wanted == .number
                ? " (remove the quotes to compare numbers)" : ""
        }

        mutating func primary(depth: Int) throws(ConditionProblem) -> Typed {
            guard let token = current else { throw unexpected("a value") }
            switch token.kind {
            case .number:
                index += 1
                return Typed(type: .number, offset: token.offset, isLiteral: true)
            case .string(let text):
                index += 1
                return Typed(type: .string, offset: token.offset, isLiteral: true, text: text)
            case .keyword(.true), .keyword(.false):
                index += 1
                return Typed(type: .bool, offset: token.offset, isLiteral: true)
            case .keyword(.null):
                index += 1
                return Typed(type: .null, offset: token.offset, isLiteral: true)
            case .path(let path):
                index += 1
                return Typed(type: field(path, at: token.offset), offset: token.offset, isLiteral: false, text: path)
            case .symbol(.openParenthesis):
                index += 1
                let inner = try expression(depth: depth + 1)
                guard isSymbol(.closeParenthesis) else {
                    throw unexpected("')' to close the '(' at character \(token.offset + 1)")
                }
                index += 1
                return Typed(type: inner.type, offset: token.offset, isLiteral: false)
            case .symbol(.openBracket):
                guard depth + 1 < ConditionChecker.maximumDepth else {
                    throw ConditionProblem(
                        kind: .syntax, offset: token.offset,
                        message: "condition nested deeper than \(ConditionChecker.maximumDepth) levels")
                }
                index += 1
                var elements: [(ValueType, Int)] = []
                var texts: [(String, Int)] = []
                while !isSymbol(.closeBracket) {
                    let element = try primary(depth: depth + 1)
                    if element.type == .list {
                        problems.append(
                            ConditionProblem(kind: .type, offset: element.offset, message: "lists cannot contain lists")
                        )
                    }
                    elements.append((element.type, element.offset))
                    if element.isLiteral, element.type == .string, let text = element.text {
                        texts.append((text, element.offset))
                    }
                    if isSymbol(.comma) {
                        index += 1
                    } else if !isSymbol(.closeBracket) {
                        throw unexpected("',' or ']' in the list")
                    }
                }
                index += 1
                return Typed(
                    type: .list, offset: token.offset, isLiteral: true, elementTypes: elements, elementTexts: texts)
            default:
                throw unexpected("a value (a field, number, quoted string, true, false or null)")
            }
        }

        mutating func field(_ path: String, at offset: Int) -> ValueType {
            guard let fields else { return .unknown }
            if let type = fields[path] { return type }
            let namespace = path.split(separator: ".").first.map(String.init) ?? path
            let available = fields.keys.sorted()
            var message = "unknown field '\(path)'"
            if let trigger, DataModel.records[namespace] != nil || ["from_stage", "to_stage"].contains(path) {
                message += " on trigger '\(trigger)' (available: \(DataModel.summary(for: trigger)))"
            } else if let trigger {
                message += " for trigger '\(trigger)'"
            }
            if let suggestion = Suggestion.closest(to: path, in: available) {
                message += " (did you mean '\(suggestion)'?)"
            }
            problems.append(ConditionProblem(kind: .unknownField, offset: offset, message: message))
            return .unknown
        }
    }
}

extension Double {
    var formatted: String {
        self == rounded() && abs(self) < 1e15 ? String(Int(self)) : String(self)
    }
}
