import ArgumentParser

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
}

enum RGCRMVersion {
    static let current = "0.1.0"
}
