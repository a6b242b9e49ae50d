import RGCore
import Testing

@testable import TemplateCloner

/// Tokens: which `{{…}}` are ours, how values are escaped per file type, and where errors point.
@Suite struct TemplateRendererTests {
    static let hostileName = "Mr. DJ & Friends \"Live\""

    static func values(name: String = hostileName) throws -> TokenValues {
        var tenant = try Fixtures.mrdj()
        tenant.name = name
        return try TokenValues(tenant: tenant)
    }

    func render(_ text: String, _ path: String, name: String = hostileName) throws -> TemplateRenderer.Outcome {
        TemplateRenderer.render(Array(text.utf8), path: path, values: try Self.values(name: name))
    }

    func rendered(_ text: String, _ path: String, name: String = hostileName) throws -> String {
        let outcome = try render(text, path, name: name)
        #expect(outcome.problems.isEmpty, "\(outcome.problems)")
        return String(decoding: outcome.bytes, as: UTF8.self)
    }

    @Test func tokensWithAndWithoutSpacesAreFilled() throws {
        let text = try rendered(
            "a {{brand.primary_color}} b {{ brand.primary_color }} c {{\ttenant.domain  }}", "x.txt")
        #expect(text == "a #111827 b #111827 c mr-dj.rentguy.nl")
    }

    @Test func everyOtherPlaceholderIsLeftByteForByte() throws {
        let source = "Hoi {{contact.first_name}}, {{1}} {{ .Values.image.tag }} {{brand}} {{brandx.y}} {{{x}}} {{"
        #expect(try rendered(source, "x.md") == source)
        #expect(try rendered(source, "x.json") == source)
    }

    @Test func theEscapeWritesALiteralToken() throws {
        #expect(
            try rendered(#"Use \{{brand.logo_url}} or \{{ tenant.name }} here"#, "x.md")
                == "Use {{brand.logo_url}} or {{ tenant.name }} here")
        // A backslash before someone else's placeholder is theirs too.
        #expect(try rendered(#"\{{contact.x}}"#, "x.md") == #"\{{contact.x}}"#)
    }

    @Test func unknownTokenIsAnErrorAtLineAndColumn() throws {
        let outcome = try render("eerste regel\n  kleur: {{ brand.primary_colour }} é {{tenant.nope}}\n", "email/a.md")
        #expect(outcome.problems.count == 2)
        let first = try #require(outcome.problems.first)
        #expect((first.file, first.line, first.column, first.rule) == ("email/a.md", 2, 10, "unknown-token"))
        #expect(first.message.contains("did you mean '{{brand.primary_color}}'"))
        #expect(outcome.problems[1].column == 39)  // characters, not bytes: é is one column
    }

    /// Lines end at LF, CRLF or a lone CR; columns count code points (a decomposed é is two).
    @Test(arguments: ["\n", "\r\n", "\r"])
    func positionsCountCRLFAndLoneCR(_ newline: String) throws {
        let text = ["eerste regel €", "  kleur: {{ brand.nope }} e\u{301} {{tenant.nope}}", ""].joined(
            separator: newline)
        let outcome = try render(text, "email/a.md")
        #expect(outcome.problems.map { "\($0.line):\($0.column)" } == ["2:10", "2:30"])
    }

    @Test func unclosedOrFilteredTokenIsAnError() throws {
        let outcome = try render("{{ brand.font | upper }}", "a.html")
        #expect(outcome.problems.map(\.rule) == ["malformed-token"])
    }

    @Test func htmlAndMJMLAreHTMLEscaped() throws {
        #expect(
            try rendered(#"<mj-image alt="{{tenant.name}}" />"#, "e.mjml")
                == #"<mj-image alt="Mr. DJ &amp; Friends &quot;Live&quot;" />"#)
        #expect(try rendered("<p>{{tenant.name}}</p>", "e.html") == "<p>Mr. DJ &amp; Friends &quot;Live&quot;</p>")
        #expect(try rendered("<p>{{tenant.name}}</p>", "e.html", name: "A <b> 'x'") == "<p>A &lt;b&gt; &#39;x&#39;</p>")
    }

    @Test func jsonIsEscapedInsideStringsAndQuotedOutside() throws {
        let text = try rendered(
            #"{"a": "Hi {{tenant.name}}!", "b": {{tenant.name}}, "c": "\"{{brand.font}}"}"#, "w.json")
        #expect(text == #"{"a": "Hi Mr. DJ & Friends \"Live\"!", "b": "Mr. DJ & Friends \"Live\"", "c": "\"Inter"}"#)
        let parsed = try JSONParser.parse(text)
        #expect(parsed["a"]?.string == "Hi Mr. DJ & Friends \"Live\"!")
        #expect(parsed["b"]?.string == Self.hostileName)
    }

    @Test func yamlValuesAreSafeForTheirQuoting() throws {
        let source = """
            name: {{tenant.name}}
            color: {{brand.primary_color}}
            quoted: "{{tenant.name}}"
            single: '{{tenant.name}} it''s'
            - {{brand.accent_color}}
            url: https://{{tenant.domain}}/x # {{tenant.name}}
            """
        let text = try rendered(source, "w.yaml", name: "Mr. DJ's & Friends \"Live\"")
        #expect(
            text == """
                name: "Mr. DJ's & Friends \\"Live\\""
                color: "#111827"
                quoted: "Mr. DJ's & Friends \\"Live\\""
                single: 'Mr. DJ''s & Friends "Live" it''s'
                - "#EF4444"
                url: https://mr-dj.rentguy.nl/x # Mr. DJ's & Friends "Live"
                """)
    }

    @Test func yamlRefusesAValueThatWouldChangeTheDocument() throws {
        let outcome = try render("title: Welkom bij {{tenant.name}} vandaag\n", "w.yml", name: "DJ: #1")
        #expect(outcome.problems.map(\.rule) == ["unsafe-value"])
        #expect(outcome.problems.first?.line == 1)
        #expect(outcome.problems.first?.column == 19)
    }

    @Test func markdownIsRawButItsFrontMatterIsYAML() throws {
        let source =
            "---\nfrom_name: \"{{tenant.name}}\"\ntitle: {{tenant.name}}\n---\n# {{tenant.name}} \"{{tenant.name}}\"\n"
        #expect(
            try rendered(source, "e.md")
                == "---\nfrom_name: \"Mr. DJ & Friends \\\"Live\\\"\"\ntitle: \"Mr. DJ & Friends \\\"Live\\\"\"\n---\n# Mr. DJ & Friends \"Live\" \"Mr. DJ & Friends \"Live\"\"\n"
        )
        #expect(try rendered("{{tenant.name}}", "s.txt") == Self.hostileName)
    }

    @Test func badColoursAndURLsAreRefusedAsValues() throws {
        var tenant = try Fixtures.mrdj()
        tenant.branding.primaryColor = "red"
        #expect(
            throws: TemplateClonerError.invalidValue(
                name: "brand.primary_color", value: "red", expected: "a hex colour #rgb or #rrggbb")
        ) {
            try TokenValues(tenant: tenant)
        }
        tenant = try Fixtures.mrdj()
        tenant.branding.logoURL = "http://mr-dj.nl/logo.png"
        #expect(throws: TemplateClonerError.self) { try TokenValues(tenant: tenant) }
        tenant = try Fixtures.mrdj()
        tenant.name = "Mr. DJ\nBcc: x"
        #expect(throws: TemplateClonerError.self) { try TokenValues(tenant: tenant) }
    }

    // MARK: - Linear time (issue 15, point 4)

    /// 100,000 unknown tokens on one line: each problem's position was counted from the start of the file.
    @Test func manyProblemsOnOneLineArePlacedInLinearTime() throws {
        let text = String(repeating: "{{brand.nope}} ", count: 100_000)
        let outcome = try render(text, "a.txt")
        #expect(outcome.problems.count == 100_000)
        #expect(outcome.problems[99_999].column == 99_999 * 15 + 1)
        #expect(outcome.problems[99_999].line == 1)
        // Reported like a check's findings: the first thousand, then how many more.
        let lines = TemplateClonerError.render(outcome.problems).description.split(separator: "\n")
        #expect(lines.count == 1002)
        #expect(lines[1000] == "99000 more problems not shown (limit 1000)")
        #expect(lines[1001] == "100000 problems; nothing was written")
    }

    /// 100,000 tokens on one YAML line: each one's quoting was worked out from the start of its line.
    @Test func manyTokensOnOneYAMLLineAreRenderedInLinearTime() throws {
        let text = "a: \"" + String(repeating: "{{tenant.slug}} ", count: 100_000) + "\"\nb: {{tenant.slug}}\n"
        let output = try rendered(text, "a.yaml")
        #expect(output == "a: \"" + String(repeating: "mrdj ", count: 100_000) + "\"\nb: \"mrdj\"\n")
        let quoted = "a: '" + String(repeating: "it''s {{tenant.name}} ", count: 50_000) + "'\n"
        #expect(
            try rendered(quoted, "a.yaml", name: "O'Neil") == "a: '"
                + String(repeating: "it''s O''Neil ", count: 50_000) + "'\n")
    }
}
