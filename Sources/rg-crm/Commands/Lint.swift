import ArgumentParser
import RGCore
import WorkflowLint

struct Lint: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract:
            "Check automation workflows: YAML, structure, conditions, and a tenant's stages, templates and webhooks.",
        discussion: """
            Without paths, every workflow in automation/workflows is linted. With --tenant, entry stages, \
            webhooks and templates are checked against configs/tenants/SLUG and automation/templates.

            Examples:
              rg-crm lint --tenant mrdj
              rg-crm lint automation/workflows/lead_intake.yaml --format github
              rg-crm lint --format sarif > lint.sarif
              rg-crm lint --list-rules

            Exit codes: 0 no errors, 1 findings (warnings too with --strict), 2 usage error or a file that cannot be \
            read (the other files are still linted).
            """)

    @Argument(help: "Workflow files or folders (default: automation/workflows).")
    var paths: [String] = []

    @OptionGroup var tenantOptions: WorkflowTenantOptions

    @Option(help: "Report format: text, json, sarif or github.")
    var format: OutputFormat = .text

    @Flag(help: "Fail on warnings too.")
    var strict = false

    @Flag(help: "List the rules and exit.")
    var listRules = false

    func run() async throws {
        try await reportingAsyncErrors {
            if listRules {
                Terminal.write(
                    RuleCatalogue.all.map { "\($0.id.rawValue)\t\($0.severity.rawValue)\t\($0.summary)" }.joined(
                        separator: "\n") + "\n")
                return
            }
            let context = try tenantOptions.context()
            let report = await WorkflowLinter.lint(
                paths: paths.isEmpty ? [WorkflowLinter.defaultDirectory] : paths, tenant: context)
            let outputFormat = format
            let rendered = outputFormat.formatter.render(
                report.diagnostics,
                context: ReportContext(
                    toolVersion: RGCRMVersion.current, informationURI: RGCRMVersion.informationURI,
                    rules: RuleCatalogue.descriptions,
                    colour: outputFormat == .text && Terminal.useColour(), sourceLine: report.sourceLine))
            Terminal.write(rendered)
            for failure in report.unreadable { printError(failure) }
            if outputFormat == .text {
                Terminal.note(
                    FindingSummary.line(report.diagnostics, subject: "\(report.filesChecked) file(s)", verb: "linted"))
            }
            try finish(report.exitStatus(strict: strict))
        }
    }
}
