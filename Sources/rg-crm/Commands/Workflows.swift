import ArgumentParser
import RGCore
import WorkflowLint

struct Workflows: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "workflows",
        abstract: "Maintain automation workflow files.", subcommands: [Upgrade.self])

    struct Upgrade: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "upgrade",
            abstract:
                "Rewrite legacy workflow drafts (id, triggers, entrypoint, retry, metadata) in the canonical format.",
            discussion: """
                Nothing is lost: the trigger comes from triggers (deal.stage.* becomes deal.stage.changed), \
                entry_stage from the stage whose automation runs the workflow (needs --tenant), sla_hours from \
                metadata.sla_minutes, fallback_owner from metadata.escalation_contact, the entrypoint becomes an \
                action of type engine, and the rest of metadata is kept. Values that cannot be derived are written \
                as `~  # FILL IN: …` and listed.

                Examples:
                  rg-crm workflows upgrade legacy/proposal_followup.yaml --tenant mrdj --dry-run
                  rg-crm workflows upgrade legacy/*.yaml --tenant mrdj

                Exit codes: 0 upgraded and lint-clean, 1 values left to fill in or findings, 2 a file that cannot \
                be read or upgraded.
                """)

        @Argument(help: "Legacy workflow files.")
        var paths: [String]

        /// --tenant: entry stages come from this tenant's pipeline, and the result is linted against it.
        @OptionGroup var tenantOptions: WorkflowTenantOptions

        @Flag(help: "Show the diff; write nothing.")
        var dryRun = false

        func run() throws {
            try reportingErrors {
                let context = try tenantOptions.context()
                var status = ExitStatus.success
                for path in paths {
                    let outcome = WorkflowUpgradeRun.run(path: path, tenant: context, dryRun: dryRun)
                    Terminal.write(outcome.output)
                    for line in outcome.notes { Terminal.note(line) }
                    status = max(status, outcome.status)
                }
                try finish(status)
            }
        }
    }
}
