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
                Reports every bad value with its file, JSON path and position.
                Exit codes: 0 valid, 1 findings (like lint and templates check), 2 a bad slug, a pack or workflow \
                library that cannot be read, 3 an internal error.
                Workflows named by the automation mapping and by stages must exist in --workflows.
                JSON Schemas for editors: schemas/tenant.schema.json, schemas/crm.schema.json.

                Examples:
                  rg-crm config check --tenant mrdj
                  rg-crm config check --tenant mrdj --format github
                """)

        @OptionGroup var tenant: TenantOptions

        @Option(help: "Output format: text, json, sarif or github.")
        var format: OutputFormat = .text

        @OptionGroup var workflows: WorkflowLibraryOptions

        func run() throws {
            do {
                var findings = ExitStatus.success
                let pack = try reportingErrors { () throws -> ConfigPack? in
                    let slug = try tenant.slug()
                    let known = try workflows.ids(required: true)
                    do {
                        return try ConfigPack.load(slug: slug, configDirectory: tenant.configDir, workflows: known)
                    } catch let error as ConfigError {
                        // The pack's issues are this checker's findings: one line each on standard error, or the
                        // report in the format asked for.
                        findings = error.checkStatus
                        if format == .text {
                            printError(error)
                            return nil
                        }
                        Terminal.write(
                            format.formatter.render(
                                error.issues.map(\.diagnostic),
                                context: ReportContext(
                                    toolVersion: RGCRMVersion.current, informationURI: RGCRMVersion.informationURI,
                                    rules: [ConfigRules.config], colour: false)))
                        return nil
                    }
                }
                guard let pack else { return try finish(findings) }
                let stages = pack.crm.pipelines.reduce(0) { $0 + $1.stages.count }
                if format == .text {
                    Terminal.write(
                        "\(pack.directory): valid (\(pack.tenant.name), \(pack.crm.pipelines.count) pipeline(s), \(stages) stage(s), \(pack.crm.automation.count) automation trigger(s), \(pack.crm.webhooks.count) webhook(s))\n"
                    )
                } else {
                    Terminal.write(
                        format.formatter.render(
                            [],
                            context: ReportContext(
                                toolVersion: RGCRMVersion.current, informationURI: RGCRMVersion.informationURI,
                                rules: [ConfigRules.config], colour: false)))
                }
            }
        }
    }
}

enum ConfigRules {
    static let config = RuleDescription(
        id: "config", summary: "A config pack value breaks its schema or rules.", severity: .error)
}
