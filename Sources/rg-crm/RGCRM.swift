import ArgumentParser
import Foundation

@main
struct RGCRM: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rg-crm",
        abstract: "Onboard and operate RentGuy CRM tenants.",
        discussion: """
            Exit codes: 0 success or clean, 1 findings or a failed check, 2 usage or input error, 3 fatal error.
            Shell completions: rg-crm --generate-completion-script bash|zsh|fish
            """,
        version: RGCRMVersion.current,
        subcommands: [Db.self, Lint.self, Workflows.self])

    /// ArgumentParser exits 64 (EX_USAGE) on a usage error; rg-crm promises 2, as its discussion says.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            if exitCode(for: error) == .validationFailure {
                FileHandle.standardError.write(Data((fullMessage(for: error) + "\n").utf8))
                exit(withError: ExitCode(ExitCodes.usage))
            }
            exit(withError: error)
        }
    }
}

enum RGCRMVersion {
    static let current = "0.1.0"
}
