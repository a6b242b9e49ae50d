import Testing

@testable import RGCore

@Suite struct TerminalTextTests {
    @Test(arguments: [
        ("plain ëxt €", "plain ëxt €"),
        ("clear\u{1B}[2Jscreen", "clear\\u{1B}[2Jscreen"),
        ("row\nfake | row", "row\\nfake | row"),
        ("cr\r", "cr\\r"),
        ("nul\0", "nul\\0"),
        ("tab\t", "tab\\t"),
        ("del\u{7F} c1\u{9B}", "del\\u{7F} c1\\u{9B}"),
        ("bidi\u{202E}txt\u{2066}", "bidi\\u{202E}txt\\u{2066}"),
        ("ls\u{2028}ps\u{2029}", "ls\\u{2028}ps\\u{2029}"),
    ])
    func controlCharactersAreEscaped(_ text: String, _ expected: String) {
        #expect(TerminalText.escaped(text) == expected)
    }

    @Test func oneLineJoinsLinesAndEscapesTheRest() {
        #expect(
            TerminalText.oneLine(
                "server closed the connection unexpectedly\n\tThis probably means\r\n  the server died\n")
                == "server closed the connection unexpectedly This probably means the server died")
        #expect(TerminalText.oneLine("a\u{1B}]0;title\u{7}b") == "a\\u{1B}]0;title\\u{7}b")
        #expect(TerminalText.oneLine("\nleading") == "leading")
        #expect(TerminalText.oneLine("tab\tinside") == "tab\\tinside")
    }

    @Test func anEscapedLineKeepsTheCaretOnItsCharacter() {
        let (text, column) = TerminalText.escapedLine("a\u{1B}[1mb: x", column: 9)
        #expect(text == "a\\u{1B}[1mb: x")
        #expect(Array(text.unicodeScalars)[column - 1] == "x")
        // Tabs stay tabs, so indentation lines up; a column before the escape does not move.
        #expect(TerminalText.escapedLine("\tkey: \u{7}", column: 2) == ("\tkey: \\u{7}", 2))
    }

    @Test func githubAnnotationsEscapeWhatGitHubsOwnEscapingLeaves() {
        let diagnostic = Diagnostic(
            file: "w\u{1B}[31m.yaml", line: 2, column: 3, severity: .error, rule: "r",
            message: "key '\u{1B}[31mK'\nnext\u{2028}")
        let output = GitHubFormatter().render(
            [diagnostic], context: ReportContext(toolVersion: "0", rules: [], colour: false))
        #expect(output == "::error file=w\\u{1B}[31m.yaml,line=2,col=3,title=r::key '\\u{1B}[31mK'%0Anext\\u{2028}\n")
    }

    @Test func theTextFormatterEscapesMessagesFileNamesAndQuotedLines() {
        let diagnostic = Diagnostic(
            file: "evil\u{1B}[2J.yaml", line: 1, column: 11, severity: .error, rule: "r",
            message: "unknown key 'x\u{1B}[31m'")
        let context = ReportContext(toolVersion: "0", rules: [], colour: false) { _, _ in "key\u{1B}[31m: value" }
        let output = TextFormatter().render([diagnostic], context: context)
        #expect(!output.unicodeScalars.contains("\u{1B}"))
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "evil\\u{1B}[2J.yaml:1:11: error: unknown key 'x\\u{1B}[31m' [r]")
        #expect(lines[1] == "key\\u{1B}[31m: value")
        // Column 11 is the 'v' of "value" in the raw line; the caret still stands under it.
        #expect(lines[2].count == lines[1].firstIndex(of: "v")!.utf16Offset(in: lines[1]) + 1)
    }

    /// XML and HTML refuse the noncharacters: Graphviz stopped on a stage name holding U+FFFF.
    @Test func noncharactersAreShownEscaped() {
        for value: UInt32 in [0xFDD0, 0xFDEF, 0xFFFE, 0xFFFF, 0x1FFFE, 0x10FFFF] {
            #expect(TerminalText.isUnsafe(Unicode.Scalar(value)!))
        }
        for value: UInt32 in [0xFDCF, 0xFDF0, 0xFFFD, 0x1F600] {
            #expect(!TerminalText.isUnsafe(Unicode.Scalar(value)!))
        }
        #expect(TerminalText.escaped("a\u{FFFF}b") == "a\\u{FFFF}b")
    }
}
