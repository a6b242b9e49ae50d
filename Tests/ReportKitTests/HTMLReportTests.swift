import Foundation
import RGCore
import TestSupport
import Testing

@testable import ReportKit

@Suite struct HTMLReportTests {
    static func tenant(name: String = "Mr. DJ", primary: String = "#111827") throws -> TenantConfig {
        TenantConfig(
            slug: try Slug("mrdj"), name: name, domain: "mr-dj.rentguy.nl", verticals: [.wedding],
            branding: Branding(
                primaryColor: primary, backgroundColor: "#F3F4F6", accentColor: "#EF4444",
                logoURL: "https://mr-dj.rentguy.nl/logo.svg", font: "Inter", palette: ["#FFF"]))
    }

    static func report(_ tenant: TenantConfig, templates: [TemplateDigest] = [], smoke: TenantReport.SmokeRun? = nil)
        -> TenantReport
    {
        let stage = StageConfig(key: "a", name: tenant.name, slaHours: 4)
        let pipeline = PipelineConfig(
            key: "p", name: "P", vertical: .wedding, type: "sales", slaResponseHours: 1, isDefault: true,
            stages: [stage])
        return TenantReport(
            tenant: tenant, graph: TenantGraph(tenantName: tenant.name, pipelines: [pipeline], workflows: []),
            diagrams: [], templates: templates, smoke: smoke,
            manualPoints: [.init(id: "4.2", title: "Klant <keurt> huisstijl goed", signOff: "Account manager")],
            provisioning: [
                .init(resource: "database", action: "create", detail: "roles & rows", at: "2026-12-02T08:00:00Z")
            ])
    }

    @Test func wcagContrastMatchesKnownValues() throws {
        #expect(Palette.contrastRatio("#000000", "#FFFFFF") == 21)
        #expect(Palette.contrastRatio("#FFF", "#FFFFFF") == 1)
        // #767676 on white is the well-known lightest grey that passes AA; #777777 fails.
        let passing = try #require(Palette.contrastRatio("#767676", "#FFFFFF"))
        let failing = try #require(Palette.contrastRatio("#777777", "#FFFFFF"))
        #expect(passing >= 4.5 && passing < 4.6)
        #expect(failing < 4.5 && failing > 4.4)
        #expect(Palette.contrastRatio("red", "#FFFFFF") == nil)
        let checks = Palette.checks(try Self.tenant(primary: "#F0F0F0").branding)
        #expect(checks.count == 2)
        #expect(checks.allSatisfy { !$0.passesAA })
    }

    @Test func everyTextIsEscapedAndTheFileHasNoScriptAndNoAddress() throws {
        let hostile = "<script>alert('x')</script> & \"quotes\" \u{1B}[31m\u{FFFF}"
        let tenant = try Self.tenant(name: hostile, primary: "#111;background:url(https://evil.example/x)")
        let templates = [
            TemplateDigest(
                channel: "email", id: "<b>id</b>", headline: hostile, preview: "</td></tr></table><img src=x>",
                file: "email/x.md")
        ]
        let smoke = TenantReport.SmokeRun(
            results: [
                CheckResult(id: "db.rls.forced", group: "db", title: "<forced>", status: .fail, message: hostile),
                CheckResult(id: "db.ok", group: "db", title: "ok", status: .pass),
            ], source: ".rg-crm/state/mrdj/smoke.json")
        let html = HTMLReport.render(Self.report(tenant, templates: templates, smoke: smoke))
        #expect(!html.lowercased().contains("<script"))
        #expect(!html.contains("<img"))
        #expect(!html.contains("<b>id</b>"))
        #expect(!html.contains("\u{1B}"))
        #expect(
            html.contains(
                "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot; \\u{1B}[31m\\u{FFFF}"))
        // A colour that is not hex is shown as text, never put in a style attribute; nothing is fetched.
        #expect(html.contains("<code>#111;background:url(https://evil.example/x)</code>"))
        // Only the report's own elements, none that can load or run anything.
        let tags = Set(html.matches(of: /<([a-zA-Z][a-zA-Z0-9]*)/).map { String($0.1).lowercased() })
        let own: Set = [
            "html", "head", "meta", "title", "style", "body", "header", "h1", "h2", "p", "span", "section", "div",
            "code", "table", "tr", "th", "td", "pre", "ul", "li",
        ]
        #expect(tags.isSubset(of: own), "\(tags.subtracting(own))")
        #expect(!html.contains("@import"))
        let styles = html.matches(of: /style="([^"]*)"/).map { String($0.1) }
        #expect(styles.count == 3, "\(styles)")  // background, accent, palette 1; not the bad primary
        #expect(styles.allSatisfy { $0.wholeMatch(of: /background: #[0-9A-Fa-f]{3,6}/) != nil })
        // The logo's address is not in a report of a valid pack at all.
        #expect(!HTMLReport.render(Self.report(try Self.tenant())).contains("http"))
        #expect(html.contains("Klant &lt;keurt&gt; huisstijl goed"))
        #expect(html.contains("<td class=\"fail\">1</td>"))
        #expect(html.contains("<code>db.rls.forced</code>"))
    }

    @Test func graphvizSVGIsInlinedWithoutDeclarationsThatNameAnAddress() {
        let svg = """
            <?xml version="1.0" encoding="UTF-8" standalone="no"?>
            <!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"
             "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
            <!-- Generated by graphviz version 2.43.0 (0)
             -->
            <svg width="10pt" height="10pt" viewBox="0 0 10 10" xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">
            <g id="graph0"><text>Nieuwe Lead</text></g>
            </svg>
            """
        let inlined = HTMLReport.inlineSVG(svg)
        #expect(inlined.hasPrefix("<svg width=\"10pt\""))
        #expect(!inlined.contains("http"))
        #expect(inlined.contains("<text>Nieuwe Lead</text>"))
    }

    @Test(
        .enabled(if: TestRequirements.python("html5lib"), "needs Python's html5lib (scripts/bootstrap.sh installs it)"))
    func theReportParsesAsHTML5WithoutAnError() throws {
        let hostile = "Ümlaut <b> & \"q\" \u{FFFF}"
        let html = HTMLReport.render(
            Self.report(
                try Self.tenant(name: hostile),
                templates: [TemplateDigest(channel: "sms", id: "x", headline: hostile, preview: hostile, file: nil)]))
        let file = try TestPaths.temporaryDirectory("html") + "/report.html"
        try Data(html.utf8).write(to: URL(fileURLWithPath: file))
        let result = try Python.run(
            "import html5lib, sys\nhtml5lib.HTMLParser(strict=True).parse(open(sys.argv[1], 'rb'))\nprint('ok')",
            arguments: [file])
        #expect(result.status == 0, "\(result.stderr)")
    }
}

@Suite struct TemplateDigestTests {
    @Test func previewsCarryNoLink() {
        let text = """
            ![Logo](https://x.example/logo.png)
            # Hallo
            Klik [hier](https://x.example/a?b=c) of ga naar https://x.example/b, www.x.example/c, mailto:a@b.nl of **tel:0612345678**.
            """
        let preview = TemplateDigest.previewText(text)
        #expect(preview == "Hallo Klik hier of ga naar [link] [link] [link] of [link]")
        #expect(!preview.contains("x.example"))
        let long = String(repeating: "woord ", count: 100)
        let cut = TemplateDigest.previewText(long)
        #expect(cut.hasSuffix("…"))
        #expect(cut.count <= TemplateDigest.previewLength + 1)
    }

    @Test func headlinesComeFromEachKindOfTemplate() {
        let email = TemplateDigest.text(
            of: "---\nsubject: \"Hoi {{contact.first_name}}\"\nfrom_name: x\n---\nBody https://a.example\n",
            file: "email/a.md")
        #expect(email.headline == "Hoi {{contact.first_name}}")
        #expect(email.body == "Body https://a.example\n")
        let whatsapp = TemplateDigest.text(
            of: #"{"components":[{"type":"HEADER","text":"Mr. DJ"},{"type":"BODY","text":"Hoi {{1}}"}]}"#,
            file: "whatsapp/b.json")
        #expect(whatsapp.headline == "Mr. DJ")
        #expect(whatsapp.body == "Hoi {{1}}")
        let sms = TemplateDigest.text(of: "Eerste regel\nTweede\n", file: "sms/c.txt")
        #expect(sms.headline == "Eerste regel")
        #expect(sms.body == "Tweede")
    }

    @Test func aCatalogEntryCanNeverReachOutsideTheLibrary() throws {
        let root = try TestPaths.temporaryDirectory("digest-escape")
        let folder = root + "/library"
        try FileManager.default.createDirectory(atPath: folder + "/email", withIntermediateDirectories: true)
        try Data("TOP-SECRET".utf8).write(to: URL(fileURLWithPath: root + "/outside.txt"))
        try Data("LINKED-SECRET".utf8).write(to: URL(fileURLWithPath: root + "/linked.md"))
        _ = symlink(root + "/linked.md", folder + "/email/link.md")
        try Data(
            #"{"templates":[{"id":"../../outside","channel":"email"},{"id":"x","channel":"../.."},{"id":"link","channel":"email"}]}"#
                .utf8
        ).write(to: URL(fileURLWithPath: folder + "/catalog.json"))
        let digests = try TemplateDigest.library(at: folder)
        #expect(digests.count == 3)
        #expect(digests[0].headline.hasPrefix("(refused"))
        #expect(digests[1].headline.hasPrefix("(refused"))
        #expect(digests[2].headline == "(unreadable)")
        #expect(!digests.contains { $0.headline.contains("SECRET") || $0.preview.contains("SECRET") })
    }

    @Test func headlinesAreLinkFreeToo() {
        let email = TemplateDigest.text(
            of: "---\r\nsubject: \"Zie https://evil.example/t.gif\"\r\n---\r\nHoi\r\n", file: "email/a.md")
        #expect(email.headline == "Zie [link]")
        let whatsapp = TemplateDigest.text(
            of: #"{"components":[{"text":"Klik https://evil.example/wa"}]}"#, file: "w/b.json")
        #expect(whatsapp.headline == "Klik [link]")
    }

    @Test func theLibraryListsEveryCatalogEntryEvenWithoutItsFile() throws {
        let folder = try TestPaths.temporaryDirectory("digest")
        try FileManager.default.createDirectory(atPath: folder + "/sms", withIntermediateDirectories: true)
        try Data("Hoi https://a.example/x\n".utf8).write(to: URL(fileURLWithPath: folder + "/sms/hi.txt"))
        try Data(
            #"{"templates":[{"id":"hi","channel":"sms"},{"id":"gone","channel":"email"}]}"#.utf8
        ).write(to: URL(fileURLWithPath: folder + "/catalog.json"))
        let digests = try TemplateDigest.library(at: folder)
        #expect(digests.map(\.id) == ["hi", "gone"])
        #expect(digests[0].headline == "Hoi [link]")
        #expect(digests[1].headline == "(no file)")
        #expect(throws: (any Error).self) { try TemplateDigest.library(at: folder + "/nope") }
    }
}
