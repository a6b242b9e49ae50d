import RGCore
import YAMLEvents

/// The alias a node was reached through: problems inside it are reported at the anchor and at this use.
/// A class, so that every node under the alias shares one (nodes are copied often; this keeps them small).
public final class AliasUse: Sendable, Hashable {
    public let name: String
    public let position: SourcePosition
    /// Where the anchor `&name` is defined.
    public let anchorPosition: SourcePosition

    public init(name: String, position: SourcePosition, anchorPosition: SourcePosition) {
        self.name = name
        self.position = position
        self.anchorPosition = anchorPosition
    }

    public static func == (lhs: AliasUse, rhs: AliasUse) -> Bool {
        (lhs.name, lhs.position, lhs.anchorPosition) == (rhs.name, rhs.position, rhs.anchorPosition)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(position)
    }
}

/// A YAML node with the positions libyaml gave it. Aliases are resolved (sharing storage, never copied out),
/// merge keys applied, and every node reached through an alias remembers that alias.
public struct Node: Sendable {
    public enum Content: Sendable {
        case scalar(String, YAMLScalarStyle)
        case sequence([Node])
        case mapping([Entry])
        /// Stands in for what could not be built (an alias past the limit, an undefined alias).
        case invalid
    }

    public struct Entry: Sendable {
        public var key: Node
        public var value: Node
    }

    public var content: Content
    /// Start of the node (the anchor or tag when it has one).
    public var position: SourcePosition
    /// Just after the node's last character.
    public var end: SourcePosition
    public var via: AliasUse?
    /// Nodes in this subtree, aliases counted as often as they are used (saturating): bounds every walk.
    public var weight: Int

    // MARK: Reading

    public var scalar: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    public var style: YAMLScalarStyle? {
        if case .scalar(_, let style) = content { return style }
        return nil
    }

    /// Items of a sequence, each carrying the alias this sequence was reached through.
    public var items: [Node]? {
        guard case .sequence(let items) = content else { return nil }
        guard let via else { return items }
        return items.map { $0.inheriting(via) }
    }

    /// Entries of a mapping, each carrying the alias this mapping was reached through.
    public var entries: [Entry]? {
        guard case .mapping(let entries) = content else { return nil }
        guard let via else { return entries }
        return entries.map { Entry(key: $0.key.inheriting(via), value: $0.value.inheriting(via)) }
    }

    /// The value of a scalar key of a mapping.
    public subscript(key: String) -> Node? {
        entries?.first { $0.key.scalar == key }?.value
    }

    func inheriting(_ parentVia: AliasUse) -> Node {
        guard via == nil else { return self }
        var copy = self
        copy.via = parentVia
        return copy
    }

    /// The YAML 1.2 core schema type of a scalar: quoted text is always a string.
    public var scalarType: ScalarType? {
        guard case .scalar(let text, let style) = content else { return nil }
        guard style == .plain else { return .string }
        return ScalarType.of(plain: text)
    }

    /// What a value is, for messages: "a string", "a list", …
    public var typeName: String {
        switch content {
        case .scalar: scalarType?.description ?? "a scalar"
        case .sequence: "a list"
        case .mapping: "a mapping"
        case .invalid: "nothing"
        }
    }

    public var number: Double? {
        guard style == .plain, let text = scalar else { return nil }
        switch ScalarType.of(plain: text) {
        case .integer, .float: return ScalarType.numberValue(text)
        default: return nil
        }
    }

    /// A plain integer that fits an Int (decimal, 0x hex or 0o octal); nil for anything else, or one too large.
    public var integer: Int? {
        guard style == .plain, let text = scalar, ScalarType.of(plain: text) == .integer else { return nil }
        if text.hasPrefix("0x") { return Int(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0o") { return Int(text.dropFirst(2), radix: 8) }
        return Int(text)
    }

    public var bool: Bool? {
        guard style == .plain, let text = scalar, ScalarType.of(plain: text) == .bool else { return nil }
        return text.lowercased() == "true"
    }

    /// The position of the Unicode scalar at `offset` in a scalar's value (libyaml's columns count scalars); `offset`
    /// equal to the value's length is the position just after it. Given the file's `source`, exact for every style:
    /// plain and quoted scalars on one line or folded over several (every escape paired with the character it makes),
    /// literal and folded blocks. Without `source`, exact for single-line scalars whose only escapes are `\"` and
    /// `\\`. What cannot be paired with the source text (a comment between an anchor and its scalar, a NEL, LS or PS
    /// folded inside a string) falls back to the node's start, as does a multi-line scalar without `source`.
    public func position(ofCharacter offset: Int, source: SourceLocator? = nil) -> SourcePosition {
        guard case .scalar(let text, let style) = content else { return position }
        let scalars = text.unicodeScalars
        let prefix = scalars.prefix(offset)
        if style == .doubleQuoted, let source,
            let exact = Self.aligned(offset, value: scalars, style: style, from: position, to: end, in: source)
        {
            return exact  // every escape (\t, \u00eb, an escaped line break) paired with the one character it makes
        }
        if position.line == end.line {
            // Measured back from the end mark, so that an anchor or tag before the scalar does not shift it.
            let extraBefore: Int
            let extraTotal: Int
            switch style {
            case .plain:
                (extraBefore, extraTotal) = (0, 0)
            case .singleQuoted:
                (extraBefore, extraTotal) = (1 + prefix.count { $0 == "'" }, 2 + scalars.count { $0 == "'" })
            case .doubleQuoted:
                let escaped: (Unicode.Scalar) -> Bool = { $0 == "\"" || $0 == "\\" }
                (extraBefore, extraTotal) = (1 + prefix.count(where: escaped), 2 + scalars.count(where: escaped))
            case .literal, .folded:
                return position
            }
            let startColumn = end.column - scalars.count - extraTotal
            return SourcePosition(line: position.line, column: startColumn + extraBefore + prefix.count)
        }
        guard let source else { return position }
        return Self.aligned(offset, value: scalars, style: style, from: position, to: end, in: source) ?? position
    }

    /// Walks the source text of a scalar alongside its value, from after its anchor, tag, quote or block header.
    /// Nil when the two cannot be paired.
    private static func aligned(
        _ offset: Int, value: String.UnicodeScalarView, style: YAMLScalarStyle, from start: SourcePosition,
        to end: SourcePosition, in source: SourceLocator
    ) -> SourcePosition? {
        // Only the scalar's own characters are decoded: a file with many findings stays linear.
        let text = source.characters(from: start, to: end)
        func isBlank(_ scalar: Unicode.Scalar) -> Bool { isSpace(scalar) || isBreak(scalar) }
        var index = 0
        // An anchor or tag before the scalar: `&name`, `!tag`.
        while index < text.count, text[index].scalar == "&" || text[index].scalar == "!" {
            while index < text.count, !isBlank(text[index].scalar) { index += 1 }
            while index < text.count, isBlank(text[index].scalar) { index += 1 }
        }
        switch style {
        case .singleQuoted, .doubleQuoted:
            guard index < text.count, text[index].scalar == (style == .singleQuoted ? "'" : "\"") else { return nil }
            index += 1
        case .literal, .folded:
            // The header (`|`, `>-`, `|2`, …) ends its line.
            while index < text.count, text[index].scalar != "\n" { index += 1 }
            index = min(index + 1, text.count)
        case .plain:
            break
        }
        if style == .literal || style == .folded {
            return alignedBlock(offset, value: value, text: text[index...])
        }
        return alignedFlow(offset, value: Array(value), style: style, text: text[index...])
    }

    private typealias Located = (scalar: Unicode.Scalar, position: SourcePosition)

    private static func isBreak(_ scalar: Unicode.Scalar) -> Bool { scalar == "\n" || scalar == "\r" }
    private static func isSpace(_ scalar: Unicode.Scalar) -> Bool { scalar == " " || scalar == "\t" }

    private static func after(_ located: Located) -> SourcePosition {
        isBreak(located.scalar)
            ? SourcePosition(line: located.position.line + 1, column: 1)
            : SourcePosition(line: located.position.line, column: located.position.column + 1)
    }

    /// Plain and quoted scalars, folded as YAML folds them: in a run of blanks that holds line breaks, the white
    /// space before the first break goes, one break becomes a space, n breaks become n − 1 newlines, and the next
    /// line's indentation goes; an escaped break makes nothing, and each blank line after it a newline. Every escape
    /// is decoded and must make the value's character.
    private static func alignedFlow(
        _ offset: Int, value: [Unicode.Scalar], style: YAMLScalarStyle, text: ArraySlice<Located>
    ) -> SourcePosition? {
        var index = text.startIndex
        var at = 0
        var afterLast: SourcePosition?
        /// Pairs what a fold made with the value; the fold's characters sit at its first line break.
        func pair(_ made: [Unicode.Scalar], at place: SourcePosition) -> SourcePosition?? {
            for scalar in made {
                guard at < value.count, value[at] == scalar else { return .some(nil) }
                if at == offset { return .some(place) }
                at += 1
            }
            return nil
        }
        /// Skips line breaks and blanks from `start`; the number of breaks and where the next text starts.
        func skipBreaks(from start: Int) -> (breaks: Int, next: Int) {
            var next = start
            var breaks = 0
            while next < text.endIndex {
                let scalar = text[next].scalar
                if scalar == "\r" {
                    next += 1
                    if next < text.endIndex && text[next].scalar == "\n" { next += 1 }
                    breaks += 1
                } else if scalar == "\n" {
                    next += 1
                    breaks += 1
                } else if isSpace(scalar) {
                    next += 1
                } else {
                    break
                }
            }
            return (breaks, next)
        }
        while at < value.count {
            guard index < text.endIndex else { return nil }
            let scalar = text[index].scalar
            if isSpace(scalar) || isBreak(scalar) {
                var end = index
                while end < text.endIndex && isSpace(text[end].scalar) { end += 1 }
                if end < text.endIndex && isBreak(text[end].scalar) {
                    let place = text[end].position
                    let (breaks, next) = skipBreaks(from: end)
                    if let found = pair(breaks == 1 ? [" "] : Array(repeating: "\n", count: breaks - 1), at: place) {
                        return found
                    }
                    afterLast = next < text.endIndex ? text[next].position : nil
                    index = next
                    continue
                }
            }
            if style == .doubleQuoted && scalar == "\\" {
                guard index + 1 < text.endIndex else { return nil }
                if isBreak(text[index + 1].scalar) {
                    let place = text[index].position
                    var next = index + 1
                    next += text[next].scalar == "\r" && next + 1 < text.endIndex && text[next + 1].scalar == "\n" ? 2 : 1
                    let (breaks, rest) = skipBreaks(from: next)
                    if let found = pair(Array(repeating: "\n", count: breaks), at: place) { return found }
                    afterLast = rest < text.endIndex ? text[rest].position : nil
                    index = rest
                    continue
                }
                guard let (made, length) = escape(at: index, in: text), made == value[at] else { return nil }
                if at == offset { return text[index].position }
                at += 1
                index += length
                afterLast = index < text.endIndex ? text[index].position : nil
                continue
            }
            var length = 1
            if style == .singleQuoted && scalar == "'" {
                // `''` is one quote.
                guard index + 1 < text.endIndex, text[index + 1].scalar == "'" else { return nil }
                length = 2
            }
            guard scalar == value[at] else { return nil }
            if at == offset { return text[index].position }
            afterLast = after(text[index + length - 1])
            at += 1
            index += length
        }
        return at == offset ? afterLast : nil
    }

    /// The character a double-quoted escape at `index` makes, and how many characters the escape takes.
    private static func escape(at index: Int, in text: ArraySlice<Located>) -> (Unicode.Scalar, Int)? {
        guard index + 1 < text.endIndex else { return nil }
        let kind = text[index + 1].scalar
        if let made = simpleEscapes[kind] { return (made, 2) }
        let digits = kind == "x" ? 2 : kind == "u" ? 4 : kind == "U" ? 8 : 0
        guard digits > 0, index + 2 + digits <= text.endIndex else { return nil }
        let hex = String(String.UnicodeScalarView(text[(index + 2)..<(index + 2 + digits)].map(\.scalar)))
        guard let code = UInt32(hex, radix: 16), let made = Unicode.Scalar(code) else { return nil }
        return (made, 2 + digits)
    }

    /// YAML's one-letter escapes and the character each makes.
    private static let simpleEscapes: [Unicode.Scalar: Unicode.Scalar] = [
        "0": "\0", "a": "\u{07}", "b": "\u{08}", "t": "\t", "\t": "\t", "n": "\n", "v": "\u{0B}", "f": "\u{0C}",
        "r": "\r", "e": "\u{1B}", " ": " ", "\"": "\"", "/": "/", "\\": "\\", "N": "\u{85}", "_": "\u{A0}",
        "L": "\u{2028}", "P": "\u{2029}",
    ]

    /// `|` and `>` blocks: equal characters pair up; indentation, and the breaks folding turned into spaces, are
    /// skipped.
    private static func alignedBlock(_ offset: Int, value: String.UnicodeScalarView, text: ArraySlice<Located>)
        -> SourcePosition?
    {
        var index = text.startIndex
        var position = 0
        var afterLast: SourcePosition?
        for wanted in value {
            guard position <= offset else { break }
            while true {
                guard index < text.endIndex else { return nil }
                let scalar = text[index].scalar
                if wanted == scalar {
                    if position == offset { return text[index].position }
                    afterLast = after(text[index])
                    index += 1
                    break
                }
                guard isSpace(scalar) || isBreak(scalar) else { return nil }
                if wanted == " " && isBreak(scalar) {
                    // A fold: the line break and the next line's indentation became this one space.
                    while index < text.endIndex, isSpace(text[index].scalar) || isBreak(text[index].scalar) {
                        index += 1
                    }
                    if position == offset { return nil }
                    break
                }
                index += 1  // indentation
            }
            position += 1
        }
        return position == offset ? afterLast : nil
    }
}

/// The type of a plain scalar in YAML 1.2's core schema.
public enum ScalarType: Sendable, Hashable, CustomStringConvertible {
    case string, integer, float, bool, null

    public static func of(plain text: String) -> ScalarType {
        text.utf8.withContiguousStorageIfAvailable(classify) ?? Array(text.utf8).withUnsafeBufferPointer(classify)
    }

    private static func classify(_ bytes: UnsafeBufferPointer<UInt8>) -> ScalarType {
        // Most plain scalars are words: only a few first characters can start a null, bool or number.
        guard let first = bytes.first else { return .null }
        switch first {
        case UInt8(ascii: "~"):
            return bytes.count == 1 ? .null : .string
        case UInt8(ascii: "n"), UInt8(ascii: "N"):
            return bytes.matches("null") || bytes.matches("Null") || bytes.matches("NULL") ? .null : .string
        case UInt8(ascii: "t"), UInt8(ascii: "T"):
            return bytes.matches("true") || bytes.matches("True") || bytes.matches("TRUE") ? .bool : .string
        case UInt8(ascii: "f"), UInt8(ascii: "F"):
            return bytes.matches("false") || bytes.matches("False") || bytes.matches("FALSE") ? .bool : .string
        case UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            break
        default:
            return .string
        }
        // YAML 1.2 core schema: 0o[0-7]+ and 0x[0-9a-fA-F]+ (unsigned), [-+]?[0-9]+, [-+]?(.inf|.Inf|.INF),
        // .nan|.NaN|.NAN, and [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?.
        if bytes.count > 2 && first == UInt8(ascii: "0") {
            if bytes[1] == UInt8(ascii: "x") { return bytes.dropFirst(2).allSatisfy(isHexDigit) ? .integer : .string }
            if bytes[1] == UInt8(ascii: "o") {
                return bytes.dropFirst(2).allSatisfy { (0x30...0x37).contains($0) } ? .integer : .string
            }
        }
        if specialFloats.contains(where: { bytes.matches($0) }) { return .float }
        var index = first == UInt8(ascii: "-") || first == UInt8(ascii: "+") ? 1 : 0
        func digits() -> Int {
            let start = index
            while index < bytes.count && (0x30...0x39).contains(bytes[index]) { index += 1 }
            return index - start
        }
        let whole = digits()
        var fraction = 0
        var dot = false
        if index < bytes.count && bytes[index] == UInt8(ascii: ".") {
            dot = true
            index += 1
            fraction = digits()
        }
        guard whole > 0 || fraction > 0 else { return .string }
        var exponent = false
        if index < bytes.count && (bytes[index] == UInt8(ascii: "e") || bytes[index] == UInt8(ascii: "E")) {
            exponent = true
            index += 1
            if index < bytes.count && (bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+")) {
                index += 1
            }
            guard digits() > 0 else { return .string }
        }
        guard index == bytes.count else { return .string }
        return dot || exponent ? .float : .integer
    }

    private static let specialFloats: [StaticString] = [
        ".inf", ".Inf", ".INF", "-.inf", "-.Inf", "-.INF", "+.inf", "+.Inf", "+.INF", ".nan", ".NaN", ".NAN",
    ]

    static func numberValue(_ text: String) -> Double? {
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        for (prefix, radix) in [("0x", 16.0), ("0o", 8.0)] where text.hasPrefix(prefix) {
            // Any length: digit by digit in Double, as a YAML loader reading a big hex number would get.
            return text.dropFirst(2).reduce(0.0) { value, digit in value * radix + Double(digit.hexDigitValue ?? 0) }
        }
        return decimal(text)
    }

    /// `Double(text)`, with a fast exact path for the common case: an optional sign, at most 15 digits and at most
    /// one '.', no exponent. Such a mantissa and a power of ten up to 10^15 are both exact doubles, so one division
    /// rounds correctly (Clinger's fast path, as strtod takes it).
    static func decimal(_ text: String) -> Double? {
        let fast: Double?? = text.utf8.withContiguousStorageIfAvailable { bytes -> Double? in
            var index = 0
            var negative = false
            if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") {
                negative = sign == UInt8(ascii: "-")
                index = 1
            }
            var mantissa = 0
            var digits = 0
            var scale = -1
            while index < bytes.count {
                let byte = bytes[index]
                if byte >= 0x30 && byte <= 0x39 {
                    guard digits < 15 else { return nil }  // past the exact range (and before Int could overflow)
                    mantissa = mantissa * 10 + Int(byte - 0x30)
                    digits += 1
                    if scale >= 0 { scale += 1 }
                } else if byte == UInt8(ascii: ".") && scale < 0 {
                    scale = 0
                } else {
                    return nil
                }
                index += 1
            }
            guard digits > 0, scale != 0 else { return nil }
            let value = Double(mantissa) / powersOfTen[max(scale, 0)]
            return negative ? -value : value
        }
        if let fast = fast, let value = fast { return value }
        return Double(text)
    }

    /// 10^0 … 10^15, each exact.
    private static let powersOfTen: [Double] = (0...15).reduce(into: []) { powers, n in
        powers.append(n == 0 ? 1 : powers[n - 1] * 10)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x46).contains(byte) || (0x61...0x66).contains(byte)
    }

    public var description: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }
}

extension UnsafeBufferPointer<UInt8> {
    /// Whether these bytes are exactly `literal`'s UTF-8.
    func matches(_ literal: StaticString) -> Bool {
        guard count == literal.utf8CodeUnitCount else { return false }
        let other = UnsafeBufferPointer(start: literal.utf8Start, count: count)
        return elementsEqual(other)
    }
}

/// Where the characters of a file's scalars are, for one file: the offset of each line's start, checkpoints on the
/// places walked to last, and the characters of the scalar decoded last (a condition with several problems asks for
/// the same one again), so lookups in document order along one long line stay linear in the file's size.
public final class SourceLocator {
    private let bytes: [UInt8]
    private let lines: YAMLLines
    /// Byte offsets of the (line, column) places found last, newest last.
    private var checkpoints: [(line: Int, column: Int, offset: Int)] = []
    private var decoded: (start: SourcePosition, end: SourcePosition, text: [(scalar: Unicode.Scalar, position: SourcePosition)])?

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        lines = YAMLLines(bytes)
    }

    /// The byte offset of `position` (columns count Unicode scalars, as libyaml's do); past a line's end, the end.
    func offset(of position: SourcePosition) -> Int {
        guard position.line >= 1 else { return 0 }
        guard position.line <= lines.starts.count else { return bytes.count }
        var (column, offset) = (1, lines.starts[position.line - 1])
        for checkpoint in checkpoints
        where checkpoint.line == position.line && checkpoint.column <= position.column && checkpoint.column > column {
            (column, offset) = (checkpoint.column, checkpoint.offset)
        }
        let lineEnd = lines.ends[position.line - 1]
        if column < position.column && offset >= lineEnd {
            // The position is the line break itself (the end mark of a scalar that ends its line).
            return lineEnd
        }
        while column < position.column, offset < lineEnd {
            offset += 1
            while offset < bytes.count && bytes[offset] & 0xC0 == 0x80 { offset += 1 }
            column += 1
        }
        if checkpoints.count == 4 { checkpoints.removeFirst() }
        checkpoints.append((position.line, column, offset))
        return offset
    }

    /// The characters from `start` up to `end`, each with its position.
    func characters(from start: SourcePosition, to end: SourcePosition) -> [(scalar: Unicode.Scalar, position: SourcePosition)] {
        if let decoded, decoded.start == start, decoded.end == end { return decoded.text }
        let first = offset(of: start)
        let last = max(first, offset(of: end))
        var result: [(scalar: Unicode.Scalar, position: SourcePosition)] = []
        var (line, column) = (start.line, start.column)
        var afterCR = false
        for scalar in String(decoding: bytes[first..<last], as: UTF8.self).unicodeScalars {
            result.append((scalar, SourcePosition(line: line, column: column)))
            // Line breaks as libyaml counts them: LF, CR, CRLF (one), NEL, LS, PS.
            switch scalar {
            case "\n" where afterCR: break
            case "\n", "\r", "\u{85}", "\u{2028}", "\u{2029}":
                line += 1
                column = 1
            default:
                column += 1
            }
            afterCR = scalar == "\r"
        }
        decoded = (start, end, result)
        return result
    }
}

/// A file's lines as libyaml counts them: broken by LF, CRLF, CR, NEL, LS and PS, a byte-order mark before the first
/// not part of it.
struct YAMLLines: Sendable {
    /// The byte offset of each line's first character, and of its line break (or the file's end).
    let starts: [Int]
    let ends: [Int]

    init(_ bytes: [UInt8]) {
        var starts = [bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0]
        var ends: [Int] = []
        var index = starts[0]
        while index < bytes.count {
            var length = 0
            switch bytes[index] {
            case 0x0A: length = 1
            case 0x0D: length = index + 1 < bytes.count && bytes[index + 1] == 0x0A ? 2 : 1
            case 0xC2: length = index + 1 < bytes.count && bytes[index + 1] == 0x85 ? 2 : 0
            case 0xE2:
                length =
                    index + 2 < bytes.count && bytes[index + 1] == 0x80
                        && (bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9) ? 3 : 0
            default: break
            }
            if length > 0 {
                ends.append(index)
                starts.append(index + length)
                index += length
            } else {
                index += 1
            }
        }
        ends.append(bytes.count)
        self.starts = starts
        self.ends = ends
    }

    /// Every line's text, without its break.
    static func texts(_ bytes: [UInt8]) -> [String] {
        let lines = YAMLLines(bytes)
        return zip(lines.starts, lines.ends).map { String(decoding: bytes[$0..<$1], as: UTF8.self) }
    }
}
