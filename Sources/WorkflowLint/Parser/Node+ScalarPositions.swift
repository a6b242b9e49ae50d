import RGCore
import YAMLEvents

/// Positions inside a scalar: which line and column of the file each character of its value came from.
extension Node {
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
                    next +=
                        text[next].scalar == "\r" && next + 1 < text.endIndex && text[next + 1].scalar == "\n" ? 2 : 1
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
