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
}
