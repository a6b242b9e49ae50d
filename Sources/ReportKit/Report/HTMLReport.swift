import Foundation
import RGCore

/// What the onboarding report shows. Everything is data the caller has read; rendering is pure, and holds no clock:
/// the same inputs give the same bytes (the smoke run and provisioning carry their own times).
public struct TenantReport: Sendable {
    /// A checklist point signed off by a person at UAT.
    public struct ManualPoint: Sendable, Equatable {
        public var id: String
        public var title: String
        public var signOff: String

        public init(id: String, title: String, signOff: String) {
            self.id = id
            self.title = title
            self.signOff = signOff
        }
    }

    /// What provisioning did to one resource, and when.
    public struct ProvisionedResource: Sendable, Equatable {
        public var resource: String
        public var action: String
        public var detail: String
        public var at: String

        public init(resource: String, action: String, detail: String, at: String) {
            self.resource = resource
            self.action = action
            self.detail = detail
            self.at = at
        }
    }

    /// The last saved smoke run: its results and the file they were read from.
    public struct SmokeRun: Sendable {
        public var results: [CheckResult]
        public var source: String

        public init(results: [CheckResult], source: String) {
            self.results = results
            self.source = source
        }
    }

    public var tenant: TenantConfig
    public var graph: TenantGraph
    /// Each pipeline drawn by Graphviz (`Graphviz.svg` of `graph.pipeline(at:)`), in order; empty draws the
    /// outline instead.
    public var diagrams: [String]
    public var templates: [TemplateDigest]
    public var smoke: SmokeRun?
    public var manualPoints: [ManualPoint]
    public var provisioning: [ProvisionedResource]

    public init(
        tenant: TenantConfig, graph: TenantGraph, diagrams: [String], templates: [TemplateDigest], smoke: SmokeRun?,
        manualPoints: [ManualPoint], provisioning: [ProvisionedResource]
    ) {
        self.tenant = tenant
        self.graph = graph
        self.diagrams = diagrams
        self.templates = templates
        self.smoke = smoke
        self.manualPoints = manualPoints
        self.provisioning = provisioning
    }
}

/// The report as one self-contained HTML5 file: inline CSS and SVG, no script, nothing fetched (it must open from an
/// e-mail attachment), every text escaped, laid out to print on A4.
public enum HTMLReport {
    public static func render(_ report: TenantReport) -> String {
        let tenant = report.tenant
        var html = """
            <!DOCTYPE html>
            <html lang="nl">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Onboarding report — \(escape(tenant.name))</title>
            <style>
            \(style)
            </style>
            </head>
            <body>
            <header>
            <h1>\(escape(tenant.name))</h1>
            <p class="facts"><span>\(escape(tenant.domain))</span> · <span>\(escape(tenant.slug.description))</span> · <span>\(escape(tenant.verticals.map(\.rawValue).joined(separator: ", ")))</span></p>
            <p class="generated">Onboarding report</p>
            </header>

            """
        html += section("Brand palette", palette(tenant.branding))
        html += section("Pipelines", pipelines(report))
        html += section("Templates", templates(report.templates))
        html += section("Smoke tests", smoke(report.smoke))
        html += section("UAT sign-off", manual(report.manualPoints))
        html += section("Provisioning", provisioning(report.provisioning))
        html += "</body>\n</html>\n"
        return html
    }

    static let style = """
        @page { size: A4; margin: 14mm; }
        body { font-family: Helvetica, Arial, sans-serif; color: #111827; margin: 0 auto; max-width: 190mm; font-size: 10.5pt; }
        header { border-bottom: 2px solid #111827; margin-bottom: 1em; }
        h1 { margin: 0.4em 0 0.1em; }
        h2 { font-size: 13pt; margin: 1.2em 0 0.4em; }
        .facts, .generated { margin: 0.2em 0; color: #374151; }
        section { break-inside: avoid-page; }
        table { border-collapse: collapse; width: 100%; }
        th, td { border: 1px solid #D1D5DB; padding: 3px 6px; text-align: left; vertical-align: top; }
        th { background: #F3F4F6; }
        .swatches { display: flex; flex-wrap: wrap; gap: 8px; }
        .swatch { width: 86px; }
        .chip { height: 40px; border: 1px solid #9CA3AF; border-radius: 4px; }
        .pass { color: #166534; font-weight: bold; }
        .fail, .error { color: #991B1B; font-weight: bold; }
        .skip { color: #6B7280; }
        .box { display: inline-block; width: 12px; height: 12px; border: 1px solid #111827; }
        .diagrams { display: flex; gap: 6px; align-items: flex-start; }
        .diagram { flex: 1 1 0; min-width: 0; }
        .diagram svg { max-width: 100%; height: auto; }
        pre { white-space: pre-wrap; font-size: 9pt; }
        .preview { color: #374151; font-size: 9pt; }
        """

    static func section(_ title: String, _ body: String) -> String {
        "<section>\n<h2>\(escape(title))</h2>\n\(body)</section>\n"
    }

    static func palette(_ branding: Branding) -> String {
        var html = "<div class=\"swatches\">\n"
        for swatch in Palette.swatches(branding) {
            let chip =
                cssColor(swatch.hex).map { "<div class=\"chip\" style=\"background: \($0)\"></div>" }
                ?? "<div class=\"chip\"></div>"
            html +=
                "<div class=\"swatch\">\(chip)<div>\(escape(swatch.role))</div><div><code>\(escape(swatch.hex))</code></div></div>\n"
        }
        html += "</div>\n<table>\n<tr><th>Text</th><th>on</th><th>Contrast</th><th>WCAG AA (normal text)</th></tr>\n"
        for check in Palette.checks(branding) {
            let verdict = check.passesAA ? "<span class=\"pass\">pass</span>" : "<span class=\"fail\">fail</span>"
            html += "<tr><td><code>\(escape(check.text))</code></td><td><code>\(escape(check.background))</code></td>"
            html += "<td>\(String(format: "%.2f", check.ratio)):1</td><td>\(verdict)</td></tr>\n"
        }
        return html + "</table>\n"
    }

    static func pipelines(_ report: TenantReport) -> String {
        if !report.diagrams.isEmpty {
            let drawings = report.diagrams.map { "<div class=\"diagram\">\n\(inlineSVG($0))\n</div>\n" }.joined()
            return "<div class=\"diagrams\">\n\(drawings)</div>\n"
        }
        return "<pre>\(escape(OutlineRenderer.render(report.graph)))</pre>\n"
    }

    static func templates(_ templates: [TemplateDigest]) -> String {
        guard !templates.isEmpty else { return "<p>No cloned template library.</p>\n" }
        var html = "<table>\n<tr><th>Channel</th><th>Template</th><th>Subject / first line</th></tr>\n"
        for template in templates {
            html += "<tr><td>\(escape(template.channel))</td><td><code>\(escape(template.id))</code></td>"
            html += "<td>\(escape(template.headline))"
            if !template.preview.isEmpty { html += "<div class=\"preview\">\(escape(template.preview))</div>" }
            html += "</td></tr>\n"
        }
        return html + "</table>\n"
    }

    static func smoke(_ run: TenantReport.SmokeRun?) -> String {
        guard let run else {
            return "<p>No saved smoke run: <code>rg-crm smoke --format json --output FILE</code> saves one.</p>\n"
        }
        var groups: [String] = []
        var counts: [String: [CheckStatus: Int]] = [:]
        for result in run.results {
            if counts[result.group] == nil { groups.append(result.group) }
            counts[result.group, default: [:]][result.status, default: 0] += 1
        }
        let summary = CheckSummary(run.results)
        var html = "<p>\(summary.passed) passed, \(summary.failed) failed, \(summary.errors) errors, "
        html += "\(summary.skipped) skipped (from <code>\(escape(run.source))</code>).</p>\n<table>\n"
        html += "<tr><th>Group</th><th>Passed</th><th>Failed</th><th>Errors</th><th>Skipped</th></tr>\n"
        for group in groups {
            let count = counts[group] ?? [:]
            html += "<tr><td>\(escape(group))</td><td class=\"pass\">\(count[.pass] ?? 0)</td>"
            html += "<td class=\"fail\">\(count[.fail] ?? 0)</td><td class=\"error\">\(count[.error] ?? 0)</td>"
            html += "<td class=\"skip\">\(count[.skip] ?? 0)</td></tr>\n"
        }
        html += "</table>\n"
        let problems = run.results.filter { $0.status == .fail || $0.status == .error }
        if !problems.isEmpty {
            html += "<ul>\n"
            for result in problems {
                html += "<li><code>\(escape(result.id))</code> \(escape(result.title))"
                if let message = result.message { html += ": \(escape(message))" }
                html += "</li>\n"
            }
            html += "</ul>\n"
        }
        return html
    }

    static func manual(_ points: [TenantReport.ManualPoint]) -> String {
        guard !points.isEmpty else { return "<p>No manual checklist points.</p>\n" }
        var html = "<table>\n<tr><th></th><th>Point</th><th>Signed off by</th><th>Name, date</th></tr>\n"
        for point in points {
            html +=
                "<tr><td><span class=\"box\"></span></td><td><code>\(escape(point.id))</code> \(escape(point.title))</td>"
            html += "<td>\(escape(point.signOff))</td><td></td></tr>\n"
        }
        return html + "</table>\n"
    }

    static func provisioning(_ resources: [TenantReport.ProvisionedResource]) -> String {
        guard !resources.isEmpty else { return "<p>No provisioning recorded.</p>\n" }
        var html = "<table>\n<tr><th>Resource</th><th>Action</th><th>Detail</th><th>When</th></tr>\n"
        for resource in resources {
            html += "<tr><td>\(escape(resource.resource))</td><td>\(escape(resource.action))</td>"
            html += "<td>\(escape(resource.detail))</td><td>\(escape(resource.at))</td></tr>\n"
        }
        return html + "</table>\n"
    }

    /// Graphviz's SVG made fit to sit inside HTML: no XML declaration, doctype or comments (which name the DTD's
    /// URL), no namespace declarations (HTML's parser supplies them), so the file names no address at all.
    static func inlineSVG(_ svg: String) -> String {
        var text = svg
        text = text.replacingOccurrences(of: "<\\?xml[^>]*\\?>", with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: "<!DOCTYPE[^>]*>", with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: "<!--[\\s\\S]*?-->", with: "", options: .regularExpression)
        text = text.replacingOccurrences(of: "\\s+xmlns(:\\w+)?=\"[^\"]*\"", with: "", options: .regularExpression)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A colour safe inside a style attribute: `#RGB` or `#RRGGBB` only.
    static func cssColor(_ hex: String) -> String? {
        Palette.components(hex) == nil ? nil : hex
    }

    /// Text for HTML: control characters made visible, then `& < > " '` escaped.
    static func escape(_ text: String) -> String { Markup.escaped(text) }
}
