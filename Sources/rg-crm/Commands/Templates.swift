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
                Each file is reported as create, update, unchanged or conflict (edited by hand \
                since the last clone; kept unless --force), as every plan is. Nothing is written when any \
                file fails to render or the bundle is unsafe. --dry-run reads and renders only.

                Examples:
                  rg-crm templates clone --tenant mrdj
                  rg-crm templates clone --tenant mrdj --dry-run
                  rg-crm templates clone --tenant mrdj --dry-run --format json --detailed-exitcode
                  rg-crm templates clone --tenant mrdj --select channel:email
                  rg-crm templates clone --tenant mrdj --select 'templates/teams/*'
                  rg-crm templates clone --tenant mrdj --from marketing.zip --to /tmp/mrdj

                Exit codes: 0 done, 1 conflicts left in place, 2 bad input (tenant config, \
                token, bundle); with --detailed-exitcode, 0 means no changes, 2 changes and 1 an error.
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

        @OptionGroup var output: PlanOptions

        func validate() throws { try output.validate(dryRun: dryRun) }

        func run() throws {
            try output.run {
                let pack = try tenantOptions.load()
                let values = try TokenValues(tenant: pack.tenant)
                let selectors = try select.map { text throws(TemplateClonerError) in try Selector(text) }
                let bundle = try from.map { try TemplateBundles.open($0) } ?? TemplateBundles.openLibrary()
                let options = CloneOptions(
                    target: to ?? tenantOptions.defaultAutomationFolder, selectors: selectors, dryRun: dryRun,
                    force: force)
                let report = try TemplateCloner.clone(
                    bundle, values: values, tenant: tenantOptions.tenant, options: options)
                output.write(report.plan, verbose: verbose)
                // Under --detailed-exitcode a conflict is one of the plan's changes (exit 2).
                if !output.detailedExitcode { try finish(report.hasConflicts ? .failed : .success) }
                return report.plan
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

                Exit codes: 0 clean, 1 findings, 2 usage or input error, 3 internal error.
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
                let pack = try tenantOptions.load()
                return try TemplateChecker.check(
                    directory: path ?? tenantOptions.defaultAutomationFolder,
                    palette: pack.tenant.branding.allowedColors)
            }
            let quotes = format == .text ? SourceLines(for: diagnostics) : SourceLines(for: [])
            let context = ReportContext(
                toolVersion: RGCRMVersion.current, informationURI: RGCRMVersion.informationURI,
                rules: TemplateChecker.rules,
                colour: format == .text && Terminal.useColour(), sourceLine: quotes.line)
            Terminal.write(format.formatter.render(diagnostics, context: context))
            if format == .text {
                Terminal.note(
                    FindingSummary.line(
                        diagnostics, subject: path ?? tenantOptions.defaultAutomationFolder, verb: "checked"))
            }
            try finish(.forFindings(diagnostics, strict: strict))
        }
    }
}
