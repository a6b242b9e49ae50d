import ArgumentParser
import Foundation
import RGCore

@main
struct RGCRM: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rg-crm",
        abstract: "Onboard and operate RentGuy CRM tenants.",
        discussion: """
            Exit codes: 0 success (or nothing to do), 1 a failed operation or findings, 2 bad input or invocation
            (a malformed URL, config file, slug or flag), 3 an internal error.
            Colour only on a terminal; NO_COLOR turns it off.
            Shell completions: rg-crm --generate-completion-script bash|zsh|fish

            Examples:
              rg-crm config check --tenant mrdj
              rg-crm db migrate
              rg-crm db status --format json
            """,
        version: RGCRMVersion.current,
        subcommands: [
            Config.self, Dashboards.self, Db.self, Lint.self, Smoke.self, Tenant.self, Templates.self, Workflows.self,
        ])

    /// ArgumentParser exits 64 on a bad command line; rg-crm keeps one code for all bad input: 2. An error that
    /// reaches here unreported is reported like every other (`reported`): its category's code, or 3.
    /// Async, so that `lint` can spread files over the cores with a task group.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            let code = exitCode(for: error)
            if code == .validationFailure {
                // One line, like every other error; --help has the usage.
                let line = message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid command line"
                Terminal.note("rg-crm: error: \(line)")
                exit(withError: PlanOptions.commandLineErrorStatus().exitCode)
            }
            // --help, --version and exits already decided are ArgumentParser's; any other error is rg-crm's.
            if code == .success || error is ExitCode { exit(withError: error) }
            exit(withError: reported(error))
        }
    }
}

enum RGCRMVersion {
    static let current = "0.1.0"
    /// SARIF's `tool.driver.informationUri`: the RentGuy platform rg-crm serves (not any one tenant's site).
    static let informationURI = "https://rentguy.nl"
}
