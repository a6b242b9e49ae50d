internal import CYAML
import RGCore

/// How a scalar was written: the same text means different things plain (`true`, `12`) and quoted (`"true"`).
public enum YAMLScalarStyle: Sendable, Hashable {
    case plain, singleQuoted, doubleQuoted, literal, folded
}

/// One event of libyaml's stream, with every string copied out of C memory.
public enum YAMLEventKind: Sendable, Hashable {
    case streamStart, streamEnd
    case documentStart, documentEnd
    case alias(anchor: String)
    case scalar(value: String, anchor: String?, tag: String?, style: YAMLScalarStyle)
    case sequenceStart(anchor: String?, tag: String?)
    case sequenceEnd
    case mappingStart(anchor: String?, tag: String?)
    case mappingEnd
}

public struct YAMLEvent: Sendable, Hashable {
    public var kind: YAMLEventKind
    /// Where the event's text starts and ends (end is the position just after it).
    public var start: SourcePosition
    public var end: SourcePosition

    public init(kind: YAMLEventKind, start: SourcePosition, end: SourcePosition) {
        self.kind = kind
        self.start = start
        self.end = end
    }
}

/// libyaml's own error: its message, and the position it points at.
public struct YAMLSyntaxError: RGError, Sendable, Hashable {
    public var message: String
    public var mark: SourcePosition

    /// Malformed YAML is bad input.
    public var category: ExitCategory { .usage }

    public init(message: String, mark: SourcePosition) {
        self.message = message
        self.mark = mark
    }

    public var description: String { "\(mark.line):\(mark.column): \(message)" }
}

/// Pulls libyaml events from a byte buffer, one at a time.
///
/// The parser state lives at an allocated (stable) address and the input is copied into a buffer that lives as long
/// as the parser: libyaml keeps pointers to both. After the stream end or the first error, `next()` returns nil.
public final class YAMLEventParser {
    private let parser: UnsafeMutablePointer<yaml_parser_t>
    private let input: UnsafeMutableBufferPointer<UInt8>
    private let inputCount: Int
    private var finished = false
    private let initialized: Bool

    public init(bytes: some Collection<UInt8>) {
        parser = .allocate(capacity: 1)
        inputCount = bytes.count
        input = .allocate(capacity: max(1, bytes.count))
        _ = input.initialize(from: bytes)
        // yaml_parser_initialize only fails when malloc fails; the parser is then unusable and we report that.
        initialized = yaml_parser_initialize(parser) != 0
        if initialized {
            yaml_parser_set_input_string(parser, input.baseAddress, inputCount)
        } else {
            finished = true
        }
    }

    deinit {
        if initialized { yaml_parser_delete(parser) }
        parser.deallocate()
        input.deallocate()
    }

    /// The next event; nil after the stream end. Throws libyaml's error once, then returns nil.
    public func next() throws(YAMLSyntaxError) -> YAMLEvent? {
        guard !finished else { return nil }
        guard initialized else {
            finished = true
            throw YAMLSyntaxError(
                message: "cannot set up the YAML parser (out of memory)", mark: SourcePosition(line: 1, column: 1))
        }
        var event = yaml_event_t()
        guard yaml_parser_parse(parser, &event) != 0 else {
            finished = true
            throw currentError()
        }
        defer { yaml_event_delete(&event) }
        let start = Self.mark(event.start_mark)
        let end = Self.mark(event.end_mark)
        let kind: YAMLEventKind
        switch event.type {
        case YAML_STREAM_START_EVENT: kind = .streamStart
        case YAML_STREAM_END_EVENT:
            finished = true
            kind = .streamEnd
        case YAML_DOCUMENT_START_EVENT: kind = .documentStart
        case YAML_DOCUMENT_END_EVENT: kind = .documentEnd
        case YAML_ALIAS_EVENT:
            kind = .alias(anchor: Self.string(event.data.alias.anchor) ?? "")
        case YAML_SCALAR_EVENT:
            let scalar = event.data.scalar
            let value =
                scalar.value.map { pointer in
                    String(decoding: UnsafeBufferPointer(start: pointer, count: scalar.length), as: UTF8.self)
                } ?? ""
            let style: YAMLScalarStyle =
                switch scalar.style {
                case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
                case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
                case YAML_LITERAL_SCALAR_STYLE: .literal
                case YAML_FOLDED_SCALAR_STYLE: .folded
                default: .plain
                }
            kind = .scalar(value: value, anchor: Self.string(scalar.anchor), tag: Self.string(scalar.tag), style: style)
        case YAML_SEQUENCE_START_EVENT:
            kind = .sequenceStart(
                anchor: Self.string(event.data.sequence_start.anchor), tag: Self.string(event.data.sequence_start.tag))
        case YAML_SEQUENCE_END_EVENT: kind = .sequenceEnd
        case YAML_MAPPING_START_EVENT:
            kind = .mappingStart(
                anchor: Self.string(event.data.mapping_start.anchor), tag: Self.string(event.data.mapping_start.tag))
        case YAML_MAPPING_END_EVENT: kind = .mappingEnd
        default:
            finished = true
            throw YAMLSyntaxError(message: "unexpected event from libyaml", mark: start)
        }
        return YAMLEvent(kind: kind, start: start, end: end)
    }

    /// Every event up to the stream end, or the events before the first error and that error.
    public static func events(_ bytes: some Collection<UInt8>) -> (events: [YAMLEvent], error: YAMLSyntaxError?) {
        let parser = YAMLEventParser(bytes: bytes)
        var events: [YAMLEvent] = []
        do {
            while let event = try parser.next() { events.append(event) }
            return (events, nil)
        } catch {
            return (events, error)
        }
    }

    private func currentError() -> YAMLSyntaxError {
        let state = parser.pointee
        guard state.error != YAML_NO_ERROR else {
            return YAMLSyntaxError(message: "invalid YAML", mark: Self.mark(state.mark))
        }
        var message = state.problem.map { String(cString: $0) } ?? "invalid YAML"
        var mark = Self.mark(state.problem_mark)
        if state.error == YAML_READER_ERROR {
            // The reader reports a byte offset, not a mark: count lines and characters up to it.
            let bytes = UnsafeBufferPointer(rebasing: input.prefix(inputCount))
            var offset = min(Int(state.problem_offset), bytes.count)
            if message.contains("trailing") {
                // libyaml points at the bad trailing byte; the broken character starts at its lead byte.
                while offset > 0 && bytes[offset - 1] & 0xC0 == 0x80 { offset -= 1 }
                if offset > 0 && bytes[offset - 1] & 0xC0 == 0xC0 { offset -= 1 }
            }
            mark = Self.mark(atByteOffset: offset, in: bytes)
            if state.problem_value >= 0 && state.problem_value <= 0xFF && message.contains("octet") {
                message +=
                    " (byte 0x\(String(state.problem_value, radix: 16, uppercase: true)) at offset \(state.problem_offset))"
            }
        }
        if state.error != YAML_READER_ERROR, let context = state.context.map({ String(cString: $0) }) {
            let started = Self.mark(state.context_mark)
            message += " (\(context) started at \(started.line):\(started.column))"
        }
        return YAMLSyntaxError(message: message, mark: mark)
    }

    /// Line and character column of a byte offset in UTF-8 text, lines counted as libyaml counts them.
    static func mark(atByteOffset offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> SourcePosition {
        LineIndex(Array(bytes), breaks: .yaml).position(ofByte: offset)
    }

    /// libyaml's 0-based mark: its lines and its columns in characters, a byte-order mark taking none.
    private static func mark(_ mark: yaml_mark_t) -> SourcePosition {
        SourcePosition(line: Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private static func string(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }
}
