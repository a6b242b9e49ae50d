import ArgumentParser
import RGCore
import WorkflowLint

struct Config: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config",
        abstract: "Validate tenant config packs (tenant.json, crm.json).",
        subcommands: [Check.self])

    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Validate a tenant's config pack against its schema and rules.",
            discussion: """
                Reports every bad value with its file, JSON path and position. Exits 0 when valid, 2 when not.
                Workflows named by the automation mapping and by stages must exist in --workflows.
                JSON Schemas for editors: schemas/tenant.schema.json, schemas/crm.schema.json.

                Examples:
                  rg-crm config check --tenant mrdj
                  rg-crm config check --tenant mrdj --format github
                """)

        @OptionGroup var tenant: TenantOptions

        @Option(help: "Output format: text, json, sarif or github.")
        var format: OutputFormat = .text

        @Option(help: "The workflow library that automation entries and stages must name workflows of.")
        var workflows: String = WorkflowLinter.defaultDirectory

        func run() throws {
            do {
                let pack = try reportingErrors { () throws -> ConfigPack? in
                    let slug = try tenant.slug()
                    let known: Set<String>
                    do { known = try WorkflowCatalog.ids(in: workflows) } catch let error as LintSetupError {
                        throw CommandFailure(error.description, code: ExitCodes.usage)
                    }
                    do {
                        return try ConfigPack.load(slug: slug, configDirectory: tenant.configDir, workflows: known)
                    } catch let error as ConfigError {
                        if format == .text { throw error }
                        Terminal.write(
                            format.formatter.render(
                                error.issues.map(\.diagnostic),
                                context: ReportContext(toolVersion: RGCRMVersion.current, informationURI: RGCRMVersion.informationURI, rules: [ConfigRules.config], colour: false)))
                        return nil
                    }
                }
                guard let pack else { throw ExitCode(ExitCodes.usage) }
                let stages = pack.crm.pipelines.reduce(0) { $0 + $1.stages.count }
                if format == .text {
                    Terminal.write(
                        "\(pack.directory): valid (\(pack.tenant.name), \(pack.crm.pipelines.count) pipeline(s), \(stages) stage(s), \(pack.crm.automation.count) automation trigger(s), \(pack.crm.webhooks.count) webhook(s))\n")
                } else {
                    Terminal.write(
                        format.formatter.render([], context: ReportContext(toolVersion: RGCRMVersion.current, informationURI: RGCRMVersion.informationURI, rules: [ConfigRules.config], colour: false)))
                }
            }
        }
    }
}

enum ConfigRules {
    static let config = RuleDescription(id: "config", summary: "A config pack value breaks its schema or rules.", severity: .error)
}

