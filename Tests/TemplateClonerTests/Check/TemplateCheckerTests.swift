import Foundation
import RGCore
import Testing

@testable import TemplateCloner

/// `templates check`: each rule finds its problem at the right place, and a good e-mail passes.
@Suite struct TemplateCheckerTests {
    static let palette: Set<String> = ["#111827", "#f3f4f6", "#ef4444", "#ffffff"]

    static let goodMJML = """
        <mjml>
          <mj-body background-color="#F3F4F6">
            <mj-section>
              <mj-column>
                <mj-text color="#111827">Hoi {{contact.first_name}},<br>welkom &amp; tot snel. &#35; &#123;</mj-text>
                <mj-button href="https://mr-dj.rentguy.nl/offerte/{{proposal.token}}" background-color="#EF4444">Bekijk</mj-button>
              </mj-column>
            </mj-section>
          </mj-body>
        </mjml>
        """

    func check(_ text: String, _ file: String = "email/x.mjml") -> [Diagnostic] {
        TemplateChecker.check(Array(text.utf8), file: file, palette: Self.palette)
    }

    @Test func aGoodEmailPasses() {
        #expect(check(Self.goodMJML) == [])
    }

    @Test func aPlantedOffPaletteColourIsFoundAtItsLineAndColumn() {
        let planted = Self.goodMJML.replacingOccurrences(
            of: "background-color=\"#EF4444\"", with: "background-color=\"#00AEEF\"")
        let found = check(planted)
        #expect(found.count == 1)
        #expect(found.first?.rule == "off-palette-colour")
        #expect(found.first?.line == 6)
        #expect(found.first?.column == 97)
        let line = planted.split(separator: "\n")[5]
        #expect(line.dropFirst(96).hasPrefix("#00AEEF"))
        // Shorthand colours are normalised before comparing: #FFF is #ffffff.
        #expect(check("<p style=\"color:#FFF\">", "a.html") == [])
        #expect(check("<p style=\"color:#ABC\">", "a.html").map(\.column) == [17])
    }

    /// Lines end at LF, CRLF or a lone CR; a byte-order mark takes no column.
    @Test(arguments: ["\n", "\r\n", "\r"])
    func positionsCountCRLFAndLoneCR(_ newline: String) {
        let text =
            "\u{FEFF}"
            + ["<p>ë €</p><p style=\"color:#ABC\">", "", "<p style=\"color:#ABC\">"].joined(separator: newline)
        #expect(check(text, "a.html").map { "\($0.line):\($0.column)" } == ["1:27", "3:17"])
    }

    @Test func unresolvedTokensAreReported() {
        let found = check("Hoi {{ tenant.name }} en {{contact.first_name}}", "sms/a.txt")
        #expect(found.map(\.rule) == ["unresolved-token"])
        #expect(found.first?.column == 5)
    }

    @Test func malformedMJMLIsReported() {
        let unclosed = Self.goodMJML.replacingOccurrences(of: "</mj-column>", with: "")
        #expect(
            check(unclosed).contains {
                $0.rule == "mjml-malformed" && $0.line == 4 && $0.message.contains("<mj-column>")
            })
        let stray = Self.goodMJML.replacingOccurrences(of: "</mj-section>", with: "</mj-section></mj-text>")
        #expect(
            check(stray).contains {
                $0.rule == "mjml-malformed" && $0.message.contains("</mj-text> closes a tag that is not open")
            })
        let unquoted = Self.goodMJML.replacingOccurrences(of: "color=\"#111827\"", with: "color=\"#111827")
        #expect(check(unquoted).contains { $0.rule == "mjml-malformed" })
        let bare = "<mj-section><mj-column><mj-button href=\"https://x.nl\">x</mj-button></mj-column></mj-section>"
        #expect(Set(check(bare).map(\.message)) == ["no <mjml> root element", "no <mj-body>"])
    }

    @Test func anEmailWithoutACallToActionIsReported() {
        let noButton = Self.goodMJML.replacingOccurrences(
            of:
                "<mj-button href=\"https://mr-dj.rentguy.nl/offerte/{{proposal.token}}\" background-color=\"#EF4444\">Bekijk</mj-button>",
            with: "")
        #expect(check(noButton).map(\.rule) == ["missing-cta"])
        #expect(check("# Hoi\n\n![logo](https://x.nl/logo.png)\n", "email/a.md").map(\.rule) == ["missing-cta"])
        #expect(check("# Hoi\n\n[Bekijk](https://x.nl/offerte)\n", "email/a.md") == [])
        // Not an e-mail: no call to action needed.
        #expect(check("Hoi", "sms/a.txt") == [])
    }

    @Test func linksThatAreNotHTTPSAreReported() {
        let insecure = Self.goodMJML.replacingOccurrences(of: "https://mr-dj", with: "http://mr-dj")
        let found = check(insecure)
        #expect(found.map(\.rule).sorted() == ["insecure-link", "missing-cta"])
        #expect(found.first { $0.rule == "insecure-link" }?.line == 6)
        #expect(
            check("[x](http://x.nl) <img src='http://y.nl/a.png'>", "a.md").filter { $0.rule == "insecure-link" }.map(
                \.column) == [5, 28])
    }

    @Test func everyRuleIsDescribed() {
        let reported = Set(
            check("<mj-text color=\"#123456\">{{brand.x}} <a href=\"http://x\">x</a></mj-text></mj-column>").map(\.rule)
        )
        let described = Set(TemplateChecker.rules.map(\.id))
        #expect(reported.isSubset(of: described))
        #expect(reported == described)
    }

    // MARK: - Linear time (issue 15, point 4): sizes where a quadratic scan would take minutes.

    /// `<mjml><mj-body>` then 200,000 `<mj-section>` on one line (2.4 MB): was over 10 minutes (every finding
    /// counted its column from the line's start).
    @Test func deeplyNestedMJMLIsCheckedInLinearTime() {
        let count = 200_000
        let text = "<mjml><mj-body>" + String(repeating: "<mj-section>", count: count)
        let found = check(text)
        #expect(found.count == TemplateChecker.maximumFindingsPerFile + 1)
        #expect(found.first?.rule == "missing-cta")
        #expect(found[1].message == "<mjml> is never closed")
        #expect(found[2].column == 7)
        #expect(found[3].column == 16)
        #expect(found[4].column == 28)
        // The closing note is last and counts what was left out: mjml, mj-body and every section, plus missing-cta.
        #expect(found.last?.message == "\(count + 3 - 1000) more findings in this file not shown (limit 1000)")
    }

    /// Stray closing tags under a deep stack: each one was a search of the whole stack.
    @Test func strayClosingTagsUnderADeepStackAreLinear() {
        let depth = 50_000
        let text =
            "<mjml><mj-body>" + String(repeating: "<mj-section>", count: depth)
            + String(repeating: "</mj-column>", count: depth) + String(repeating: "</mj-section>", count: depth)
            + "<mj-button href=\"https://x.nl\">x</mj-button></mj-body></mjml>"
        let found = check(text)
        #expect(found.first?.message == "</mj-column> closes a tag that is not open")
        #expect(found.first?.column == 15 + 12 * depth + 1)
        #expect(found.count == 1001)
    }

    /// Every scanner on one line of a megabyte full of its findings: colours, tokens, http links, and Markdown links whose
    /// image test searched back for the `[` from every link.
    @Test func everyScannerIsLinearOnOneLongLine() {
        let colours = String(repeating: "#00AEEF ", count: 100_000)
        let found = check(colours, "a.html")
        #expect(found.count == 1001)
        #expect(found[999].column == 999 * 8 + 1)
        let tokens = String(repeating: "{{brand.x}}", count: 100_000)
        #expect(check(tokens, "a.txt")[999].column == 999 * 11 + 1)
        let links = String(repeating: "<a href=\"http://x.nl\">", count: 50_000)
        #expect(check(links, "a.html")[999].rule == "insecure-link")
        let images = "![" + String(repeating: "](https://x.nl/a.png)", count: 50_000)
        #expect(check(images, "email/a.md").map(\.rule) == ["missing-cta"])
    }

    /// A line's column counts characters (Unicode code points, as every other checker counts them: a decomposed é
    /// is two), also for findings after multi-byte characters on a long line.
    @Test func columnsCountCharactersAcrossManyFindingsOnALine() {
        let text = "é🎉 #00AEEF e\u{301} #00AEEF\n\n  #ABCDEF"
        #expect(check(text, "a.html").map { "\($0.line):\($0.column)" } == ["1:4", "1:15", "3:3"])
    }

    // MARK: - Files that cannot be checked (issue 15, points 3 and 6)

    @Test func aTextFileTooLargeToCheckIsAnErrorNotAPass() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Fixtures.write("<p>ok</p>\n", to: folder + "/a.html")
        let large = String(repeating: "<p style=\"color:#00AEEF\">x</p>\n", count: (8 << 20) / 30 + 1)
        try Fixtures.write(large, to: folder + "/big.html")
        #expect(
            throws: TemplateClonerError.uncheckable(
                path: folder + "/big.html",
                reason:
                    "a text file of \(BundleLimits.size(UInt64(large.utf8.count))), over the 8.0 MiB a template may have to be checked"
            )
        ) {
            try TemplateChecker.check(directory: folder, palette: Self.palette)
        }
        // A large binary is not a template: skipped as every binary is.
        try FileManager.default.removeItem(atPath: folder + "/big.html")
        var png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        png += [UInt8](repeating: 0x23, count: 9 << 20)
        try Data(png).write(to: URL(fileURLWithPath: folder + "/big.bin"))
        #expect(try TemplateChecker.check(directory: folder, palette: Self.palette) == [])
    }

    @Test func aFIFOALinkOrASocketInTheCheckedFolderIsAnError() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Fixtures.write("<p>ok</p>\n", to: folder + "/a.html")
        #expect(mkfifo(folder + "/f.mjml", 0o600) == 0)
        #expect(
            throws: TemplateClonerError.uncheckable(
                path: folder + "/f.mjml", reason: "is a FIFO (named pipe), expected a regular file")
        ) {
            try TemplateChecker.check(directory: folder, palette: Self.palette)
        }
        unlink(folder + "/f.mjml")
        #expect(symlink(folder + "/a.html", folder + "/b.html") == 0)
        #expect(
            throws: TemplateClonerError.uncheckable(
                path: folder + "/b.html", reason: "is a symbolic link, expected a regular file")
        ) {
            try TemplateChecker.check(directory: folder, palette: Self.palette)
        }
    }

    /// A template by its name whose bytes are not text (a NUL, invalid UTF-8, a binary signature) was skipped as a
    /// binary asset: "no findings" for a file never checked. It is an error; an asset by its name is still skipped.
    @Test(arguments: [
        (
            "n.html", Array("<p>\u{0} #ff0000 href=\"http://x\"</p>".utf8),
            "a .html template with a NUL byte at offset 3 cannot be checked; save it as UTF-8 text"
        ),
        (
            "u.mjml", Array("<mj-text>#ff0000 ".utf8) + [0xFF, 0xFE] + Array("</mj-text>".utf8),
            "a .mjml template with bytes that are not UTF-8 cannot be checked; save it as UTF-8 text"
        ),
        (
            "r.md", Array("RIFF0000WAVE #ff0000".utf8),
            "a .md template with the signature of a binary file at its start cannot be checked; save it as UTF-8 text"
        ),
    ])
    func aTemplateThatIsNotTextIsAnErrorNotAPass(name: String, bytes: [UInt8], reason: String) throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/" + name))
        #expect(throws: TemplateClonerError.uncheckable(path: folder + "/" + name, reason: reason)) {
            try TemplateChecker.check(directory: folder, palette: Self.palette)
        }
        try FileManager.default.removeItem(atPath: folder + "/" + name)
        try Data(bytes).write(to: URL(fileURLWithPath: folder + "/logo.bin"))
        #expect(try TemplateChecker.check(directory: folder, palette: Self.palette) == [])
    }
}
