import RGCore
import Testing

@Suite struct LineIndexTests {
    /// "line:column" of every byte offset, 0 through the text's length.
    func places(_ text: String, _ breaks: LineBreaks = .lfCRLFCR) -> [String] {
        let index = LineIndex(text, breaks: breaks)
        return (0...text.utf8.count).map { offset in
            let position = index.position(ofByte: offset)
            return "\(position.line):\(position.column)"
        }
    }

    @Test func emptyTextIsOneEmptyLine() {
        let index = LineIndex("", breaks: .lfCRLFCR)
        #expect(index.lineCount == 1)
        #expect(index.text(ofLine: 1) == "")
        #expect(index.text(ofLine: 2) == nil)
        #expect(index.position(ofByte: 0) == SourcePosition(line: 1, column: 1))
        #expect(index.position(ofCodePoint: 0) == SourcePosition(line: 1, column: 1))
        #expect(index.byteOffset(of: SourcePosition(line: 1, column: 5)) == 0)
    }

    @Test func lfCRLFAndLoneCREachEndOneLine() {
        // An offset inside a break is the break's place: just after the line's last character.
        #expect(places("ab\ncd") == ["1:1", "1:2", "1:3", "2:1", "2:2", "2:3"])
        #expect(places("ab\r\ncd") == ["1:1", "1:2", "1:3", "1:3", "2:1", "2:2", "2:3"])
        #expect(places("ab\rcd") == ["1:1", "1:2", "1:3", "2:1", "2:2", "2:3"])
        #expect(places("a\r\n\r\rb\n") == ["1:1", "1:2", "1:2", "2:1", "3:1", "4:1", "4:2", "5:1"])
        #expect(LineIndex("a\r\n\r\rb\n", breaks: .lfCRLFCR).lineTexts == ["a", "", "", "b", ""])
    }

    @Test func theLastLineNeedsNoBreak() {
        let index = LineIndex("one\ntwo", breaks: .lfCRLFCR)
        #expect(index.lineCount == 2)
        #expect(index.text(ofLine: 2) == "two")
        #expect(index.position(ofByte: 7) == SourcePosition(line: 2, column: 4))
        #expect(LineIndex("one\ntwo\n", breaks: .lfCRLFCR).lineTexts == ["one", "two", ""])
    }

    @Test func columnsCountCodePoints() {
        let text = "ë€😀x\ne\u{301}y"  // 2-, 3- and 4-byte characters; a decomposed ë is two code points
        #expect(
            places(text) == [
                "1:1", "1:2", "1:2", "1:3", "1:3", "1:3", "1:4", "1:4", "1:4", "1:4", "1:5",
                "2:1", "2:2", "2:3", "2:3", "2:4",
            ])
        let index = LineIndex(text, breaks: .lfCRLFCR)
        #expect((0...9).map { index.position(ofCodePoint: $0).column } == [1, 2, 3, 4, 5, 1, 2, 3, 4, 4])
        #expect(index.byteOffset(of: SourcePosition(line: 1, column: 4)) == 9)
        #expect(index.byteOffset(of: SourcePosition(line: 2, column: 3)) == 14)
    }

    @Test func aByteOrderMarkTakesNoColumn() {
        let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("ab\nc".utf8)
        for breaks in [LineBreaks.lfCRLFCR, .yaml] {
            let index = LineIndex(bytes, breaks: breaks)
            #expect((0...bytes.count).map { index.position(ofByte: $0).column } == [1, 1, 1, 1, 2, 3, 1, 2])
            #expect(index.text(ofLine: 1) == "ab")
            #expect(index.byteOffset(of: SourcePosition(line: 1, column: 2)) == 4)
            #expect(index.position(ofCodePoint: 1) == SourcePosition(line: 1, column: 1))
        }
    }

    @Test func yamlAlsoBreaksAtNELLineAndParagraphSeparators() {
        let text = "a\u{85}b\u{2028}c\u{2029}d\re\r\nf"
        #expect(LineIndex(text, breaks: .yaml).lineTexts == ["a", "b", "c", "d", "e", "f"])
        #expect(LineIndex(text, breaks: .lfCRLFCR).lineTexts == ["a\u{85}b\u{2028}c\u{2029}d", "e", "f"])
        let index = LineIndex(text, breaks: .yaml)
        #expect(index.position(ofByte: 3) == SourcePosition(line: 2, column: 1))  // after NEL's two bytes
        #expect(index.position(ofByte: 2) == SourcePosition(line: 1, column: 2))  // inside NEL: the break's place
        #expect(index.byteOffset(of: SourcePosition(line: 3, column: 1)) == 7)
    }

    @Test func offsetsOfPositionsAtAndPastLineEnds() {
        let text = "ab\r\n€\rlast"
        let index = LineIndex(text, breaks: .lfCRLFCR)
        #expect(index.byteOffset(of: SourcePosition(line: 1, column: 3)) == 2)  // the break
        #expect(index.byteOffset(of: SourcePosition(line: 1, column: 40)) == 2)
        #expect(index.byteOffset(of: SourcePosition(line: 2, column: 2)) == 7)
        #expect(index.byteOffset(of: SourcePosition(line: 3, column: 5)) == 12)
        #expect(index.byteOffset(of: SourcePosition(line: 4, column: 1)) == 12)
        #expect(index.byteOffset(of: SourcePosition(line: 0, column: 1)) == 0)
        #expect(index.byteRange(ofLine: 2) == 4..<7)
        #expect(index.position(ofByte: 99) == SourcePosition(line: 3, column: 5))
    }

    /// Every byte and code point of a mixed text with long lines (several 64-byte blocks) placed as a plain count
    /// from the start places it.
    @Test func agreesWithACountFromTheStart() {
        var text = ""
        for n in 0..<40 {
            text +=
                String(repeating: ["a", "ë", "€", "😀"][n % 4], count: n * 7) + ["\n", "\r\n", "\r", "\u{2028}"][n % 4]
        }
        for breaks in [LineBreaks.lfCRLFCR, .yaml] {
            let index = LineIndex(text, breaks: breaks)
            var (line, column, offset, codePoint) = (1, 1, 0, 0)
            let scalars = Array(text.unicodeScalars)
            for (i, scalar) in scalars.enumerated() {
                #expect(index.position(ofByte: offset) == SourcePosition(line: line, column: column))
                #expect(index.byteOffset(ofCodePoint: codePoint) == offset)
                let isBreak =
                    scalar == "\n" || scalar == "\r" || (breaks == .yaml && scalar == "\u{2028}")
                let startsCRLF = scalar == "\r" && i + 1 < scalars.count && scalars[i + 1] == "\n"
                if isBreak && !startsCRLF {
                    (line, column) = (line + 1, 1)
                } else if !isBreak {
                    column += 1
                }
                offset += String(scalar).utf8.count
                codePoint += 1
            }
            #expect(index.lineCount == line)
        }
    }
}
