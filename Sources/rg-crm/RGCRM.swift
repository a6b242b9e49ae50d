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

    /// ArgumentParser exits 64 on a bad command line; rg-crm keeps one code for all bad input: 2.
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
                FileHandle.standardError.write(Data("rg-crm: error: \(line)\n".utf8))
                Foundation.exit(ExitCodes.usage)
            }
            exit(withError: error)
        }
    }
}

enum RGCRMVersion {
    static let current = "0.1.0"
}
