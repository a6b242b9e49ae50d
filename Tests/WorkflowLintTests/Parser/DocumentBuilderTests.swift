import RGCore
import Testing

@testable import WorkflowLint

@Suite struct DocumentBuilderTests {
    static func build(_ text: String, limits: ParseLimits = ParseLimits()) -> (Node?, [Diagnostic]) {
        var sink = FindingSink(file: "f.yaml")
        let root = DocumentBuilder.build(Array(text.utf8), limits: limits, sink: &sink)
        return (root, sink.result)
    }

    @Test func nodesCarryOneBasedPositions() throws {
        let (root, findings) = Self.build("a: 1\nlist:\n  - x\n  - {k: v}\n")
        #expect(findings.isEmpty)
        let list = try #require(root?["list"]?.items)
        #expect(list[0].position == SourcePosition(line: 3, column: 5))
        #expect(list[1]["k"]?.position == SourcePosition(line: 4, column: 9))
    }

    @Test func aliasesShareTheAnchoredNodeAndRememberTheUse() throws {
        let (root, findings) = Self.build("base: &b\n  x: 1\nuse: *b\n")
        #expect(findings.isEmpty)
        let used = try #require(root?["use"])
        #expect(
            used.via
                == AliasUse(
                    name: "b", position: SourcePosition(line: 3, column: 6),
                    anchorPosition: SourcePosition(line: 1, column: 7)))
        // A child of an aliased node is reached through the same alias, and keeps its own (anchor-side) position.
        let x = try #require(used["x"])
        #expect(x.via?.name == "b")
        #expect(x.position == SourcePosition(line: 2, column: 6))
    }

    @Test func mergeKeysAddKeysTheMappingDoesNotSet() throws {
        let (root, findings) = Self.build("b: &b {type: email, after_hours: 48}\nuse:\n  <<: *b\n  after_hours: 96\n")
        #expect(findings.isEmpty)
        let use = try #require(root?["use"])
        #expect(use["after_hours"]?.scalar == "96")
        #expect(use["type"]?.scalar == "email")
        #expect(use["type"]?.via?.name == "b")
        #expect(use.entries?.count == 2)
        let (listRoot, _) = Self.build("a: &a {x: 1}\nb: &b {x: 2, y: 3}\nc:\n  <<: [*a, *b]\n")
        #expect(listRoot?["c"]?["x"]?.scalar == "1")
        #expect(listRoot?["c"]?["y"]?.scalar == "3")
        let (_, bad) = Self.build("c:\n  <<: 5\n")
        #expect(Fixtures.describe(bad) == ["2:7 type"])
    }

    @Test func duplicateKeysAreReportedAtTheSecondKey() {
        let (_, findings) = Self.build("a: 1\nb: 2\na: 3\n")
        #expect(Fixtures.describe(findings) == ["3:1 duplicate-key"])
        #expect(findings[0].message.contains("1:1"))
    }

    @Test func undefinedAndUnusedAnchors() {
        let (_, findings) = Self.build("a: &unused 1\nb: *nope\n")
        #expect(Fixtures.describe(findings).sorted() == ["1:4 unused-anchor", "2:4 undefined-alias"])
        #expect(findings.first { $0.rule == "unused-anchor" }?.severity == .warning)
    }

    @Test func aliasCycleIsReportedNotExpanded() {
        let (_, findings) = Self.build("a: &a\n  - *a\n")
        #expect(Fixtures.describe(findings) == ["2:5 alias-limit"])
    }

    @Test func billionLaughsIsBoundedAndReportedOnce() {
        var text = "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for level in 1...9 {
            text +=
                "l\(level): &l\(level) [" + Array(repeating: "*l\(level - 1)", count: 10).joined(separator: ", ")
                + "]\n"
        }
        text += "top: *l9\n"
        let (root, findings) = Self.build(text)
        #expect(findings.filter { $0.rule == "alias-limit" }.count == 1)
        #expect((root?.weight ?? 0) <= ParseLimits().maximumExpandedNodes + 2_000)
    }

    @Test func nestingIsBounded() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        let (root, findings) = Self.build(deep)
        #expect(root == nil)
        #expect(findings.map(\.rule) == ["syntax"])
        #expect(findings[0].message.contains("nested deeper than 200"))
        // Block nesting: 10,000 levels of "- " on one line (indentation grows by two per level).
        let block = String(repeating: "- ", count: 10_000) + "x\n"
        let (_, blockFindings) = Self.build(block)
        #expect(blockFindings.contains { $0.rule == "syntax" })
    }

    @Test func hundredThousandRepeatedKeysAreReportedWithALimit() {
        let text = String(repeating: "key: 1\n", count: 100_000)
        let (_, findings) = Self.build(text)
        #expect(findings.count == 1001)
        #expect(findings.last?.message.contains("more findings") == true)
    }

    @Test func onlyTheFirstDocumentIsAWorkflow() {
        let (root, findings) = Self.build("a: 1\n---\nb: 2\n")
        #expect(root?["a"]?.scalar == "1")
        #expect(Fixtures.describe(findings) == ["2:1 syntax"])
    }

    @Test func characterPositionsInsideScalars() throws {
        // Plain, quoted (with escapes), after an anchor, with "€" and "ë" before the token, and in a literal block.
        let text = """
            a: Zoë € x > 5
            b: "Zoë \\"€\\" x"
            c: 'it''s € x'
            d: &anchor Zoë x
            e: |
              first line
              Zoë € x

            """
        let (_, findings) = Self.build(text)
        #expect(findings.filter { $0.rule != "unused-anchor" }.isEmpty)
        func column(_ key: String, of token: String) throws -> SourcePosition {
            try MultiLinePositionTests.position(of: token, in: key, text: text)
        }
        #expect(try column("a", of: "x") == SourcePosition(line: 1, column: 10))
        #expect(try column("b", of: "x") == SourcePosition(line: 2, column: 15))
        #expect(try column("c", of: "x") == SourcePosition(line: 3, column: 13))
        #expect(try column("d", of: "x") == SourcePosition(line: 4, column: 16))
        #expect(try column("e", of: "x") == SourcePosition(line: 7, column: 9))
    }
}

@Suite struct MultiLinePositionTests {
    /// Where `token` (its first occurrence, or its last with `backwards`) in the value of `key` is in `text`.
    static func position(of token: String, in key: String, text: String, backwards: Bool = false) throws
        -> SourcePosition
    {
        let (root, _) = DocumentBuilderTests.build(text)
        let node = try #require(root?[key])
        let value = try #require(node.scalar)
        let offset = try #require(value.range(of: token, options: backwards ? .backwards : [])).lowerBound
        return node.position(
            ofCharacter: value.unicodeScalars.distance(from: value.startIndex, to: offset),
            source: SourceLocator(Array(text.utf8)))
    }

    /// Plain and quoted scalars folded over lines, a `>` block with a blank line, after an anchor and a tag, with
    /// "€", "ë" and `''` before the token: the token's own line and column.
    @Test(arguments: [
        ("f", "x", 2, 8), ("g", "x", 4, 12), ("h", "x", 6, 11), ("i", "x", 10, 7), ("j", "x", 12, 3),
        ("k", "x", 14, 10), ("l", "more", 17, 5), ("f", "Zoë", 1, 4),
    ])
    func positionsInsideMultiLineScalars(key: String, token: String, line: Int, column: Int) throws {
        let text = """
            f: Zoë € and
              more x
            g: "first
              second € x"
            h: 'it''s
              € it''s x'
            i: >
              folded € line

              and x
            j: &anchor plain first
              x second
            k: !!str tagged
              second x
            l: |
              literal
                more x
            """
        #expect(try Self.position(of: token, in: key, text: text) == SourcePosition(line: line, column: column))
    }

    /// "Condition ends where … was expected": the offset just past the value is the position after its last character.
    @Test(arguments: [("m: |-\n  lead.score >\n", 2, 15), ("m: a >\n  b and\n", 2, 8), ("m: a > b and\n", 1, 13)])
    func theEndOfAValueIsJustAfterItsLastCharacter(text: String, line: Int, column: Int) throws {
        let (root, _) = DocumentBuilderTests.build(text)
        let node = try #require(root?["m"])
        let count = try #require(node.scalar).unicodeScalars.count
        #expect(
            node.position(ofCharacter: count, source: SourceLocator(Array(text.utf8)))
                == SourcePosition(line: line, column: column))
    }

    /// Escapes in double-quoted scalars make one character from several: `\t`, `\u00eb`, `\x41`, an escaped line
    /// break (which makes none), on one line and over several.
    @Test(arguments: [
        ("a: \"\\t\\u00eb x\"\n", 1, 14), ("a: \"Zo\\u00eb \\\"x\\\" y\"\n", 1, 20),
        ("a: \"x \\t\n  \\x41 \\\n  y\"\n", 3, 3), ("a: \"\\u00eb\\U0001F600\n  y\"\n", 2, 3),
    ])
    func escapesInDoubleQuotedScalars(text: String, line: Int, column: Int) throws {
        let (root, findings) = DocumentBuilderTests.build(text)
        #expect(findings.isEmpty)
        let node = try #require(root?["a"])
        let value = try #require(node.scalar)
        let offset = value.unicodeScalars.count - 1  // the last character: "y" or "x"
        #expect(
            node.position(ofCharacter: offset, source: SourceLocator(Array(text.utf8)))
                == SourcePosition(line: line, column: column))
    }

    /// Folds as YAML makes them: trailing blanks dropped, one break a space, blank lines newlines, an escaped break
    /// nothing (and the blank lines after it newlines), every escape checked against what it makes; CR and CRLF.
    @Test(arguments: [
        ("w: \"x \\\n\n  b ===\"\n", "b", 3, 3),
        ("w: \"a \t\n  \\tb == 1\"\n", "b", 2, 5),
        ("w: \"x.y  \r\n  \\/\r\n\r\n   \\n  \r\n  and\"\n", "and", 5, 3),
        ("w: \"x.y  \r\n  \\/\r\n\r\n   \\n  \r\n  and\"\n", "/", 2, 3),
        ("w: 'a  \n\n\n  it''s b'\n", "b", 4, 9),
        ("w: plain   \n  \t \n  next b\n", "b", 3, 8),
        ("w: \"\\x41\\u00eb \\\"q\\\" b\"\n", "b", 1, 22),
    ])
    func foldsAndEscapes(text: String, token: String, line: Int, column: Int) throws {
        #expect(DocumentBuilderTests.build(text).1.isEmpty)
        let position = try Self.position(of: token, in: "w", text: text, backwards: true)
        #expect(position == SourcePosition(line: line, column: column), "\(text.debugDescription)")
    }

    /// Lines as libyaml counts them: a byte-order mark takes no column; CR alone, NEL, LS and PS break lines.
    @Test(arguments: [
        ("\u{FEFF}{w: a and\n  b ===}\n", "a", 1, 5), ("\u{FEFF}{w: a and\n  b ===}\n", "b", 2, 3),
        ("x: 1\rw: \"a and\r  b\"\r", "b", 3, 3), ("x: \"1\u{2028}2\"\nw: a and\n  b\n", "b", 4, 3),
        ("x: \"1\u{85}2\"\r\nw: \"a and\r\n  b\"\r\n", "b", 4, 3),
    ])
    func linesAsLibyamlCountsThem(text: String, token: String, line: Int, column: Int) throws {
        let node = try #require(DocumentBuilderTests.build(text).0?["w"])
        #expect(node.position.line == line - 1 || node.position.line == line)  // libyaml's own line for the scalar
        #expect(try Self.position(of: token, in: "w", text: text) == SourcePosition(line: line, column: column))
    }

    /// A comment between an anchor and its scalar cannot be paired with the value: the node's start, not a guess.
    @Test func whatCannotBePairedFallsBackToTheNode() throws {
        let text = "a: &c # note\n  x y\n"
        let (root, _) = DocumentBuilderTests.build(text)
        let node = try #require(root?["a"])
        #expect(node.position(ofCharacter: 2, source: SourceLocator(Array(text.utf8))) == node.position)
    }
}
