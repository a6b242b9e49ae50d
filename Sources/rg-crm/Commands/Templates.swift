import ArgumentParser
import Foundation
import RGCore
import TemplateCloner

struct Templates: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "templates",
        abstract: "Clone the branded template library into a tenant and check it.",
        discussion: """
            Tokens {{brand.*}} and {{tenant.*}} are filled from configs/tenants/SLUG/tenant.json; \
            every other {{…}} is left as it is. See docs/templates.md.
            """,
        subcommands: [Clone.self, Check.self])
}

extension Templates {
    struct Clone: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "clone",
            abstract: "Clone templates into a tenant, replacing brand tokens; report each file.",
            discussion: """
                Each file is reported as created, updated, unchanged or conflict (edited by hand \
                since the last clone; kept unless --force). Nothing is written when any file fails \
                to render or the bundle is unsafe.

                Examples:
                  rg-crm templates clone --tenant mrdj
                  rg-crm templates clone --tenant mrdj --dry-run
                  rg-crm templates clone --tenant mrdj --select channel:email
                  rg-crm templates clone --tenant mrdj --select 'templates/teams/*'
                  rg-crm templates clone --tenant mrdj --from marketing.zip --to /tmp/mrdj

                Exit codes: 0 done, 1 conflicts left in place, 2 bad input (tenant config, \
                token, bundle).
                """)

        @OptionGroup var tenantOptions: TenantOptions

        @Option(help: "A folder or ZIP of templates (default: automation/templates and automation/workflows).")
        var from: String?

        @Option(help: "The folder to clone into (default: configs/tenants/SLUG/automation).")
        var to: String?

        @Option(
            name: .long, parsing: .upToNextOption, help: "Only files matching a glob, or channel:X, vertical:X, id:X.")
        var select: [String] = []

        @Flag(help: "Report what would change; write nothing.")
        var dryRun = false

        @Flag(help: "Overwrite files edited by hand since the last clone.")
        var force = false

        @Flag(help: "List unchanged files too.")
        var verbose = false

        func run() throws {
            try reportingErrors {
                try withInputErrors {
                    let pack = try tenantOptions.load()
                    let values = try TokenValues(tenant: pack.tenant)
                    let selectors = try select.map { text throws(TemplateClonerError) in try Selector(text) }
                    let bundle = try from.map { try TemplateBundles.open($0) } ?? TemplateBundles.openLibrary()
                    let options = CloneOptions(
                        target: to ?? tenantOptions.defaultAutomationFolder, selectors: selectors, dryRun: dryRun, force: force)
                    let report = try TemplateCloner.clone(
                        bundle, values: values, tenant: tenantOptions.tenant, options: options)
                    Terminal.write(CloneReportText.render(report, colour: Terminal.useColour(), verbose: verbose))
                    if report.hasConflicts { throw ExitCode(ExitCodes.failure) }
                }
            }
        }
    }

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Check cloned templates: palette colours, unresolved tokens, MJML, call to action, https links.",
            discussion: """
                Examples:
                  rg-crm templates check --tenant mrdj
                  rg-crm templates check --tenant mrdj --path /tmp/mrdj-marketing --format sarif

                Exit codes: 0 clean, 1 findings, 2 usage or input error, 3 fatal.
                """)

        @OptionGroup var tenantOptions: TenantOptions

        @Option(help: "The folder to check (default: configs/tenants/SLUG/automation).")
        var path: String?

        @Option(help: "Report format: text, json, sarif or github.")
        var format: OutputFormat = .text

        @Flag(help: "Fail on warnings too.")
        var strict = false

        func run() throws {
            let diagnostics = try reportingErrors {
                try withInputErrors {
                    let pack = try tenantOptions.load()
                    return try TemplateChecker.check(
                        directory: path ?? tenantOptions.defaultAutomationFolder, palette: pack.tenant.branding.allowedColors)
                }
            }
            let quotes = format == .text ? SourceLines(for: diagnostics) : SourceLines(for: [])
            let context = ReportContext(
                toolVersion: RGCRMVersion.current, informationURI: RGCRMVersion.informationURI, rules: TemplateChecker.rules,
                colour: format == .text && Terminal.useColour(), sourceLine: quotes.line)
            Terminal.write(format.formatter.render(diagnostics, context: context))
            if format == .text {
                Terminal.note(FindingSummary.line(diagnostics, subject: path ?? tenantOptions.defaultAutomationFolder, verb: "checked"))
            }
            let code = CheckExitCode.forFindings(diagnostics, strict: strict)
            if code != .clean { throw ExitCode(code.rawValue) }
        }
    }
}

extension Templates {
    /// Bad templates, tokens and bundles are bad input (exit 2); failing to move files into place is an I/O failure (1).
    static func withInputErrors<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as TemplateClonerError {
            if case .io = error { throw CommandFailure(error.description, code: ExitCodes.failure) }
            throw CommandFailure(error.description, code: ExitCodes.usage)
        }
    }

    /// The clone report as lines a person reads: one per file, conflicts with the lines that differ, then totals.
    enum CloneReportText {
        static func render(_ report: CloneReport, colour: Bool, verbose: Bool) -> String {
            var output = ""
            // Unchanged files are only counted unless asked for: a re-run reads as one line.
            for file in report.files.sorted(by: { $0.path < $1.path }) where verbose || file.status != .unchanged {
                let word = file.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                let painted = colour ? "\u{1B}[\(code(file.status))m\(word)\u{1B}[0m" : word
                var notes: [String] = []
                if file.verbatim { notes.append("copied verbatim") }
                if file.forced { notes.append("hand edit overwritten by --force") }
                if file.status == .conflict {
                    notes.append("edited by hand since the last clone; kept — --force overwrites it")
                }
                output +=
                    "\(painted)\(TerminalText.escaped("\(report.target)/\(file.path)"))\(notes.isEmpty ? "" : " (\(notes.joined(separator: "; ")))")\n"
                if let difference = file.difference, file.status == .conflict || file.forced {
                    output += "    from line \(difference.line):\n"
                    for line in difference.current { output += "    - \(TerminalText.escaped(line, keepingTabs: true))\n" }
                    for line in difference.template { output += "    + \(TerminalText.escaped(line, keepingTabs: true))\n" }
                }
            }
            let totals = CloneReport.Status.allCases.map { "\(report.count($0)) \($0.rawValue)" }.joined(
                separator: ", ")
            output += (report.dryRun ? "dry run, nothing written: " : "") + totals + "\n"
            return output
        }

        private static func code(_ status: CloneReport.Status) -> String {
            switch status {
            case .created: "32"
            case .updated: "36"
            case .unchanged: "2"
            case .conflict: "1;31"
            }
        }
    }
}
