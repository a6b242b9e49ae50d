import RGCore
import Testing

@testable import YAMLEvents

@Suite struct YAMLEventParserTests {
    @Test func pullsEventsWithOneBasedMarks() throws {
        let (events, error) = YAMLEventParser.events(Array("a: 1\nb: [x, 'y']\n".utf8))
        #expect(error == nil)
        let scalars = events.compactMap { event -> (String, YAMLScalarStyle, SourcePosition)? in
            if case .scalar(let value, _, _, let style) = event.kind { return (value, style, event.start) }
            return nil
        }
        #expect(scalars.map(\.0) == ["a", "1", "b", "x", "y"])
        #expect(
            scalars.map(\.2) == [
                SourcePosition(line: 1, column: 1), SourcePosition(line: 1, column: 4),
                SourcePosition(line: 2, column: 1),
                SourcePosition(line: 2, column: 5), SourcePosition(line: 2, column: 8),
            ])
        #expect(scalars[4].1 == .singleQuoted)
        #expect(events.first?.kind == .streamStart)
        #expect(events.last?.kind == .streamEnd)
    }

    @Test func columnsCountCharactersNotBytes() throws {
        // "€" is three bytes and "ë" two: libyaml counts them as one column each.
        let (events, error) = YAMLEventParser.events(Array("prijs: \"€ 5\"\nnaam: Oriëntatie x\n".utf8))
        #expect(error == nil)
        let marks = events.filter { if case .scalar = $0.kind { true } else { false } }.map(\.end)
        #expect(marks[1] == SourcePosition(line: 1, column: 13))
        #expect(marks[3] == SourcePosition(line: 2, column: 19))
    }

    @Test func reportsLibyamlErrorAtItsPosition() {
        let (_, error) = YAMLEventParser.events(Array("a: 1\n b: 2\n".utf8))
        #expect(error?.mark == SourcePosition(line: 2, column: 3))
        #expect(error?.message.contains("mapping values are not allowed") == true)
    }

    /// libyaml gives a byte offset for bad UTF-8: its line is counted as libyaml counts lines (CR, NEL, LS, PS
    /// too), a byte-order mark taking no column.
    @Test(arguments: ["\n", "\r\n", "\r", "\u{85}", "\u{2028}", "\u{2029}"])
    func invalidUTF8AfterAnyLineBreakIsOnItsLine(_ newline: String) {
        let bytes = [0xEF, 0xBB, 0xBF] + Array("a: ë\(newline)b: €".utf8) + [0xFF]
        let (_, error) = YAMLEventParser.events(bytes)
        #expect(error?.mark == SourcePosition(line: 2, column: 5))
    }

    @Test func reportsInvalidUTF8AtTheOffendingCharacter() {
        let (_, error) = YAMLEventParser.events([0x61, 0x3A, 0x20, 0xC3, 0xAB, 0xFF, 0x0A])
        #expect(error != nil)
        #expect(error?.mark == SourcePosition(line: 1, column: 5))
    }

    @Test func stopsAfterAnErrorAndAfterStreamEnd() throws {
        let parser = YAMLEventParser(bytes: Array("[".utf8))
        var thrown = 0
        for _ in 0..<5 {
            do { _ = try parser.next() } catch { thrown += 1 }
        }
        #expect(thrown == 1)
        #expect(try parser.next() == nil)
        let clean = YAMLEventParser(bytes: [UInt8]())
        var count = 0
        while try clean.next() != nil { count += 1 }
        #expect(count == 2)
        #expect(try clean.next() == nil)
    }

    @Test func copiesAnchorsAliasesAndTags() {
        let (events, _) = YAMLEventParser.events(Array("a: &x !!str v\nb: *x\n".utf8))
        #expect(
            events.contains { $0.kind == .scalar(value: "v", anchor: "x", tag: "tag:yaml.org,2002:str", style: .plain) }
        )
        #expect(events.contains { $0.kind == .alias(anchor: "x") && $0.start == SourcePosition(line: 2, column: 4) })
    }

    @Test func survivesDeepNestingAndGarbage() {
        let deep = Array(String(repeating: "[", count: 10_000).utf8) + Array(String(repeating: "]", count: 10_000).utf8)
        let (events, error) = YAMLEventParser.events(deep)
        #expect(error == nil && events.count == 20_004)
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<200 {
            let garbage = (0..<Int.random(in: 0...512, using: &generator)).map { _ in
                UInt8.random(in: 0...255, using: &generator)
            }
            _ = YAMLEventParser.events(garbage)
        }
    }
}
