import RGCore

/// Where the characters of a file's scalars are, for one file: its lines as libyaml counts them (LF, CRLF, CR, NEL,
/// LS and PS; a byte-order mark takes no column), and the characters of the scalar decoded last (a condition with
/// several problems asks for the same one again), so lookups along one long line stay linear in the file's size.
public final class SourceLocator {
    private let bytes: [UInt8]
    private let lines: LineIndex
    typealias Located = (scalar: Unicode.Scalar, position: SourcePosition)
    private var decoded: (start: SourcePosition, end: SourcePosition, text: [Located])?

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
        lines = LineIndex(bytes, breaks: .yaml)
    }

    /// The byte offset of `position` (columns count Unicode scalars, as libyaml's do); past a line's end, the end.
    func offset(of position: SourcePosition) -> Int {
        lines.byteOffset(of: position)
    }

    /// The characters from `start` up to `end`, each with its position; the characters of a line break share the
    /// break's position (just after the line's last character).
    func characters(from start: SourcePosition, to end: SourcePosition) -> [Located] {
        if let decoded, decoded.start == start, decoded.end == end { return decoded.text }
        let first = offset(of: start)
        let last = max(first, offset(of: end))
        var result: [Located] = []
        let place = lines.position(ofByte: first)
        var (line, column) = (place.line, place.column)
        var lineEnd = lines.byteRange(ofLine: line)?.upperBound ?? bytes.count
        var nextLine = lines.byteRange(ofLine: line + 1)?.lowerBound ?? Int.max
        var offset = first
        for scalar in String(decoding: bytes[first..<last], as: UTF8.self).unicodeScalars {
            while offset >= nextLine {
                (line, column) = (line + 1, 1)
                lineEnd = lines.byteRange(ofLine: line)?.upperBound ?? bytes.count
                nextLine = lines.byteRange(ofLine: line + 1)?.lowerBound ?? Int.max
            }
            result.append((scalar, SourcePosition(line: line, column: column)))
            if offset < lineEnd { column += 1 }
            offset += UTF8.width(scalar)
        }
        decoded = (start, end, result)
        return result
    }
}
