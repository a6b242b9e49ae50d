import ArgumentParser
import Foundation
import RGCore

/// `--format` and `--detailed-exitcode` of every command that prints a plan: `db migrate`, `db seed`,
/// `templates clone`. The plan itself is rendered by RGCore's `PlanRenderer`, the same for all three.
struct PlanOptions: ParsableArguments {
    @Option(help: "Output format: text, or json (the plan; see README, \"Plans and --dry-run\").")
    var format: ListingFormat = .text

    @Flag(
        help:
            "With --dry-run: exit 2 when the plan has changes, 0 when it has none, 1 on any error (Terraform's convention)."
    )
    var detailedExitcode = false

    /// Called from the command's `validate()`, which knows whether this is a dry run.
    func validate(dryRun: Bool) throws {
        if detailedExitcode && !dryRun { throw ValidationError("--detailed-exitcode needs --dry-run") }
    }

    /// Runs a command body that returns its plan. With `--detailed-exitcode`, every failure (bad input included,
    /// which otherwise exits 2) exits 1, so that 2 can only mean "the plan has changes".
    func run(_ body: () throws -> Plan) throws {
        let plan: Plan
        do {
            plan = try reportingErrors(body)
        } catch let exit as ExitCode where detailedExitcode && exit.rawValue != 0 {
            try finish(.failed)
            return
        }
        if detailedExitcode && plan.hasChanges { try finish(.planHasChanges) }
    }

    /// The plan as text (unchanged resources only when `verbose`; colour on a terminal) or JSON.
    func write(_ plan: Plan, verbose: Bool) {
        switch format {
        case .text: Terminal.write(PlanRenderer.text(plan, verbose: verbose, colour: Terminal.useColour()))
        case .json: Terminal.write(PlanRenderer.json(plan))
        }
    }

    /// The exit code of a command line ArgumentParser refused: 2, or 1 when it asked for `--detailed-exitcode`
    /// (before any `--`), whose 2 means "changes".
    static func commandLineErrorStatus(_ arguments: [String] = CommandLine.arguments) -> ExitStatus {
        arguments.prefix { $0 != "--" }.contains("--detailed-exitcode") ? .failed : .usage
    }
}
