/// The characters that end a line.
public enum LineBreaks: Sendable {
    /// LF, CRLF (one break) and a lone CR, as editors and PostgreSQL's lexer break lines: JSON, SQL, templates.
    case lfCRLFCR
    /// YAML's, as libyaml counts them: LF, CRLF (one break), CR, NEL (U+0085), LS (U+2028) and PS (U+2029).
    case yaml
}

/// Where the lines of one text are, built once in one pass over its UTF-8 bytes. Afterwards a byte offset, a code
/// point offset and a 1-based line and column map into each other in logarithmic time, however long the lines, so
/// placing every finding of a file stays linear in the file. Columns count Unicode scalars (code points), as
/// libyaml's marks and PostgreSQL's error positions do; a byte-order mark at the start takes no column; a byte that
/// does not start a UTF-8 sequence counts as no column. The last line need not end with a break; a text that ends
/// with one has an empty last line after it.
public struct LineIndex: Sendable {
    public let breaks: LineBreaks
    private let bytes: [UInt8]
    /// The byte offset of each line's first character.
    private let starts: [Int]
    /// The byte offset of each line's break, or the text's end for the last line.
    private let ends: [Int]
    /// The code points before each block of 64 bytes (entry i: before byte i × 64). Empty when every byte is ASCII,
    /// where a byte offset is a code point offset.
    private let blockCodePoints: [Int]
    private static let blockShift = 6

    public init(_ bytes: [UInt8], breaks: LineBreaks) {
        self.bytes = bytes
        self.breaks = breaks
        let yaml = breaks == .yaml
        let bom = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
        var starts = [bom]
        var ends: [Int] = []
        var blocks: [Int] = []
        bytes.withUnsafeBufferPointer { buffer in
            let count = buffer.count
            var index = bom
            var ascii = true
            while index < count {
                let byte = buffer[index]
                var length = 0
                if byte == 0x0A {
                    length = 1
                } else if byte == 0x0D {
                    length = index + 1 < count && buffer[index + 1] == 0x0A ? 2 : 1
                } else if byte >= 0x80 {
                    ascii = false
                    if yaml && byte == 0xC2 {
                        length = index + 1 < count && buffer[index + 1] == 0x85 ? 2 : 0
                    } else if yaml && byte == 0xE2 {
                        length =
                            index + 2 < count && buffer[index + 1] == 0x80
                                && (buffer[index + 2] == 0xA8 || buffer[index + 2] == 0xA9) ? 3 : 0
                    }
                }
                if length > 0 {
                    ends.append(index)
                    starts.append(index + length)
                    index += length
                } else {
                    index += 1
                }
            }
            ends.append(count)
            guard !ascii || bom > 0 else { return }
            blocks.reserveCapacity(count >> Self.blockShift + 1)
            var running = 0
            var block = 0
            while true {
                blocks.append(running)
                guard block < count else { break }
                let blockEnd = min(block + (1 << Self.blockShift), count)
                for offset in block..<blockEnd where buffer[offset] & 0xC0 != 0x80 { running += 1 }
                block = blockEnd
            }
        }
        self.starts = starts
        self.ends = ends
        blockCodePoints = blocks
    }

    public init(_ text: String, breaks: LineBreaks) {
        self.init(Array(text.utf8), breaks: breaks)
    }

    /// How many lines the text has (at least one; a text ending in a line break has an empty line after it).
    public var lineCount: Int { starts.count }

    /// The byte offsets of line `line` (1-based), without its line break; nil past the last line.
    public func byteRange(ofLine line: Int) -> Range<Int>? {
        guard line >= 1, line <= starts.count else { return nil }
        return starts[line - 1]..<ends[line - 1]
    }

    /// Line `line` (1-based) without its line break; nil past the last line.
    public func text(ofLine line: Int) -> String? {
        guard let range = byteRange(ofLine: line) else { return nil }
        return String(decoding: bytes[range], as: UTF8.self)
    }

    /// Every line's text, without its break.
    public var lineTexts: [String] {
        (1...starts.count).map { text(ofLine: $0)! }
    }

    /// The line and column of the byte at `offset` (clamped to the text). An offset inside a line break is the
    /// break's position (just after the line's last character); one inside a character counts that character whole.
    public func position(ofByte offset: Int) -> SourcePosition {
        let offset = min(max(offset, 0), bytes.count)
        let line = self.line(containing: offset)
        let start = starts[line]
        let clipped = min(max(offset, start), ends[line])
        return SourcePosition(line: line + 1, column: codePoints(before: clipped) - codePoints(before: start) + 1)
    }

    /// The line and column of the code point at `offset` (0-based, counted from the text's first byte, a
    /// byte-order mark included); the text's length is the position just after its end.
    public func position(ofCodePoint offset: Int) -> SourcePosition {
        position(ofByte: byteOffset(ofCodePoint: offset))
    }

    /// The byte offset where code point `offset` (0-based) starts; the text's length when there is no such one.
    public func byteOffset(ofCodePoint offset: Int) -> Int {
        guard !blockCodePoints.isEmpty else { return min(max(offset, 0), bytes.count) }
        guard offset > 0 else { return 0 }
        // The last block with at most `offset` code points before it holds the code point, or comes before it.
        var low = 0
        var high = blockCodePoints.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if blockCodePoints[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        var index = low << Self.blockShift
        var counted = blockCodePoints[low]
        while index < bytes.count {
            if bytes[index] & 0xC0 != 0x80 {
                if counted == offset { return index }
                counted += 1
            }
            index += 1
        }
        return bytes.count
    }

    /// The byte offset of `position`: a column past its line's end is the line's end (its break), a line before
    /// the first is the text's start, one past the last the text's end.
    public func byteOffset(of position: SourcePosition) -> Int {
        guard position.line >= 1 else { return 0 }
        guard position.line <= starts.count else { return bytes.count }
        let (start, end) = (starts[position.line - 1], ends[position.line - 1])
        guard position.column > 1 else { return start }
        let target = codePoints(before: start) + position.column - 1
        guard target < codePoints(before: end) else { return end }
        return min(byteOffset(ofCodePoint: target), end)
    }

    /// The code points in the bytes before `offset`.
    @inline(__always)
    private func codePoints(before offset: Int) -> Int {
        guard !blockCodePoints.isEmpty else { return offset }
        let block = offset >> Self.blockShift
        var count = blockCodePoints[block]
        var index = block << Self.blockShift
        while index < offset {
            if bytes[index] & 0xC0 != 0x80 { count += 1 }
            index += 1
        }
        return count
    }

    /// The 0-based line that `offset` is on (a byte-order mark is on the first).
    private func line(containing offset: Int) -> Int {
        var low = 0
        var high = starts.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if starts[middle] <= offset { low = middle } else { high = middle - 1 }
        }
        return low
    }
}
