import ArgumentParser

struct Db: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Apply, inspect, verify and roll back the CRM schema in PostgreSQL.",
        subcommands: [])
}
