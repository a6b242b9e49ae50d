import RGCore

/// Fills `{{brand.*}}` and `{{tenant.*}}` tokens in one text file, escaping each value for the spot it lands in.
/// Every other `{{…}}` is copied byte for byte; `\{{brand.x}}` writes the literal `{{brand.x}}`.
public enum TemplateRenderer {
    public struct Outcome: Sendable {
        public var bytes: [UInt8]
        /// Unknown or malformed tokens and values that cannot be placed safely; when not empty, `bytes` must not be used.
        public var problems: [Diagnostic]
        /// How many tokens were replaced.
        public var replacements: Int
    }

    /// The namespaces this renderer owns; every other `{{…}}` belongs to someone else.
    static let namespaces: [[UInt8]] = [Array("brand.".utf8), Array("tenant.".utf8)]

    public static func render(_ input: [UInt8], path: String, values: TokenValues) -> Outcome {
        let kind = FileKind(path: path)
        var output: [UInt8] = []
        output.reserveCapacity(input.count + 256)
        var problems: [Diagnostic] = []
        var replacements = 0
        var json = JSONStringTracker()
        var yaml = YAMLPlacementTracker()
        var lines: LineIndex?  // built for the first problem: most files have none
        var hints: [String: String] = [:]
        let frontMatterEnd = kind == .markdown ? Self.frontMatterEnd(input) : 0
        var copied = 0
        var index = 0
        let count = input.count
        while index + 1 < count {
            guard input[index] == UInt8(ascii: "{"), input[index + 1] == UInt8(ascii: "{") else {
                index += 1
                continue
            }
            guard let token = Token.parse(input, at: index) else {
                index += 2
                continue
            }
            // Positions are only worked out for problems: most tokens never need one.
            var placed: SourcePosition?
            func position() -> SourcePosition {
                if let placed { return placed }
                if lines == nil { lines = LineIndex(input, breaks: .lfCRLFCR) }
                placed = lines?.position(ofByte: index)
                return placed!
            }
            if index > 0, input[index - 1] == UInt8(ascii: "\\"), let end = token.end {
                // The documented escape: drop the backslash, keep the token as written.
                output.append(contentsOf: input[copied..<(index - 1)])
                output.append(contentsOf: input[index..<end])
                copied = end
                index = end
                continue
            }
            guard let end = token.end else {
                problems.append(
                    Diagnostic(
                        file: path, line: position().line, column: position().column, severity: .error,
                        rule: "malformed-token",
                        message:
                            "token '{{\(token.name)' is not closed by '}}' (filters and expressions are not supported)")
                )
                index += 2
                continue
            }
            guard let value = values[token.name] else {
                // Worked out once per name: a file may repeat one wrong token many times.
                let hint =
                    hints[token.name]
                    ?? Suggestion.closest(to: token.name, in: TokenValues.names).map { " (did you mean '{{\($0)}}'?)" }
                    ?? ""
                hints[token.name] = hint
                problems.append(
                    Diagnostic(
                        file: path, line: position().line, column: position().column, severity: .error,
                        rule: "unknown-token",
                        message:
                            "unknown token '{{\(token.name)}}'\(hint); known: \(TokenValues.names.joined(separator: ", "))"
                    ))
                index = end
                continue
            }
            let effectiveKind: FileKind = index < frontMatterEnd ? .yaml : kind
            let escaped: [UInt8]
            switch effectiveKind {
            case .markup:
                escaped = Escaping.html(value.text)
            case .json:
                json.advance(input, to: index)
                escaped = Escaping.json(value.text, insideString: json.inString)
            case .yaml:
                let placement = yaml.advance(input, to: index)
                switch Escaping.yaml(
                    value.text, input: input, tokenStart: index, tokenEnd: end, lineStart: yaml.lineStart,
                    firstNonBlank: yaml.firstNonBlank, placement: placement)
                {
                case .success(let bytes): escaped = bytes
                case .failure(let failure):
                    problems.append(
                        Diagnostic(
                            file: path, line: position().line, column: position().column, severity: .error,
                            rule: "unsafe-value",
                            message: "the value of '{{\(token.name)}}' \(failure.reason)"))
                    index = end
                    continue
                }
            case .markdown, .raw:
                escaped = Array(value.text.utf8)
            }
            output.append(contentsOf: input[copied..<index])
            output.append(contentsOf: escaped)
            replacements += 1
            copied = end
            index = end
        }
        output.append(contentsOf: input[copied..<count])
        return Outcome(bytes: output, problems: problems, replacements: replacements)
    }

    /// The byte offset just past a leading `---` … `---` YAML block, or 0 when there is none.
    static func frontMatterEnd(_ input: [UInt8]) -> Int {
        guard input.starts(with: Array("---\n".utf8)) || input.starts(with: Array("---\r\n".utf8)) else { return 0 }
        var lineStart = input[3] == UInt8(ascii: "\r") ? 5 : 4
        while lineStart < input.count {
            let lineEnd = input[lineStart...].firstIndex(of: UInt8(ascii: "\n")) ?? input.count
            var line = input[lineStart..<lineEnd]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            if line.elementsEqual("---".utf8) || line.elementsEqual("...".utf8) { return lineEnd }
            lineStart = lineEnd + 1
        }
        return 0
    }
}

/// A `{{ namespace.key }}` token of ours, as written in the template.
struct Token {
    var name: String
    /// Just past the closing `}}`; nil when the token is not closed right after its name.
    var end: Int?

    /// Nil when the braces do not open a `brand.`/`tenant.` token (someone else's placeholder).
    static func parse(_ input: [UInt8], at start: Int) -> Token? {
        var index = start + 2
        let count = input.count
        while index < count, input[index] == UInt8(ascii: " ") || input[index] == UInt8(ascii: "\t") { index += 1 }
        let nameStart = index
        while index < count, Self.isNameByte(input[index]) { index += 1 }
        let name = input[nameStart..<index]
        guard TemplateRenderer.namespaces.contains(where: { name.starts(with: $0) }) else { return nil }
        while index < count, input[index] == UInt8(ascii: " ") || input[index] == UInt8(ascii: "\t") { index += 1 }
        let closed = index + 1 < count && input[index] == UInt8(ascii: "}") && input[index + 1] == UInt8(ascii: "}")
        return Token(name: String(decoding: name, as: UTF8.self), end: closed ? index + 2 : nil)
    }

    static func isNameByte(_ byte: UInt8) -> Bool {
        (0x61...0x7A).contains(byte) || (0x41...0x5A).contains(byte) || (0x30...0x39).contains(byte)
            || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
    }
}

/// The YAML quoting in force at ascending byte offsets, tracked forward (as `JSONStringTracker` does for JSON), so
/// a line with many tokens is read once, not once per token. YAML scalars in templates stay on one line: every
/// line starts plain.
struct YAMLPlacementTracker {
    private(set) var lineStart = 0
    /// The line's first byte that is not a space or tab, once one has been passed; else nil.
    private(set) var firstNonBlank: Int?
    private var cursor = 0
    private var placement = Escaping.YAMLPlacement.plain
    private var skipNext = false

    mutating func advance(_ input: [UInt8], to offset: Int) -> Escaping.YAMLPlacement {
        while cursor < offset {
            let index = cursor
            let byte = input[index]
            cursor += 1
            if byte == UInt8(ascii: "\n") {
                lineStart = cursor
                firstNonBlank = nil
                placement = .plain
                skipNext = false
                continue
            }
            if firstNonBlank == nil && !Escaping.isBlank(byte) { firstNonBlank = index }
            if skipNext {
                skipNext = false
                continue
            }
            switch placement {
            case .plain:
                if byte == UInt8(ascii: "\"") {
                    placement = .doubleQuoted
                } else if byte == UInt8(ascii: "'") && Escaping.startsScalar(input, lineStart: lineStart, at: index) {
                    placement = .singleQuoted
                } else if byte == UInt8(ascii: "#") && (index == lineStart || Escaping.isBlank(input[index - 1])) {
                    placement = .comment
                }
            case .doubleQuoted:
                if byte == UInt8(ascii: "\\") {
                    skipNext = true
                } else if byte == UInt8(ascii: "\"") {
                    placement = .plain
                }
            case .singleQuoted:
                if byte == UInt8(ascii: "'") {
                    // `''` is a quote inside the scalar; the byte at `offset` opens a token, never a quote.
                    if cursor < offset && input[cursor] == UInt8(ascii: "'") {
                        skipNext = true
                    } else {
                        placement = .plain
                    }
                }
            case .comment:
                break
            }
        }
        return placement
    }
}

/// Whether a byte offset of a JSON text lies inside a string literal, tracked forward as tokens are found.
struct JSONStringTracker {
    private(set) var inString = false
    private var escapeNext = false
    private var cursor = 0

    mutating func advance(_ input: [UInt8], to offset: Int) {
        while cursor < offset {
            let byte = input[cursor]
            if inString {
                if escapeNext {
                    escapeNext = false
                } else if byte == UInt8(ascii: "\\") {
                    escapeNext = true
                } else if byte == UInt8(ascii: "\"") {
                    inString = false
                }
            } else if byte == UInt8(ascii: "\"") {
                inString = true
            }
            cursor += 1
        }
    }
}
