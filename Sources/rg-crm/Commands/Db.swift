import ArgumentParser
import Foundation
import MigrationKit
import Postgres
import RGCore

struct Db: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Apply, inspect, verify and roll back the CRM schema in PostgreSQL.",
        discussion: """
            Every db subcommand connects with --database-url, else $DATABASE_URL, else libpq's own defaults,
            exactly as psql does, and reads migrations from --migrations (default db/migrations).
            """,
        subcommands: [Migrate.self, Status.self, Rollback.self, Verify.self, Seed.self])
}

extension Db {
    struct Migrate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Apply pending migrations, each in its own transaction.",
            discussion: """
                Holds a PostgreSQL advisory lock for the whole run, so concurrent runs wait for each other.
                Refuses to run when an applied migration's file changed or is missing.

                --dry-run only reads: as text it prints the SQL that would run, with --format json the plan (applied
                migrations unchanged, pending ones to create, each with its SQL).

                Examples:
                  rg-crm db migrate
                  rg-crm db migrate --to 2
                  rg-crm db migrate --dry-run > plan.sql
                  rg-crm db migrate --dry-run --format json --detailed-exitcode
                """)

        @OptionGroup var database: DatabaseOptions

        @Option(help: "Apply up to and including this version.")
        var to: Int?

        @Flag(help: "Print the SQL that would run; change nothing.")
        var dryRun = false

        @OptionGroup var output: PlanOptions

        func validate() throws { try output.validate(dryRun: dryRun) }

        func run() throws {
            try output.run {
                let migrator = try database.migrator()
                let report = try migrator.migrate(to: to, dryRun: dryRun, progress: Progress.migration)
                if output.format == .json {
                    output.write(report.plan, verbose: true)
                } else if dryRun {
                    Terminal.write(MigrationRendering.dryRun(report.plannedSQL))
                    Terminal.note(
                        report.plannedSQL.isEmpty
                            ? "dry run: nothing to apply, database is at version \(Migration.format(report.version))"
                            : "dry run: \(report.plannedSQL.count) migration(s) would be applied; nothing was changed")
                } else if report.applied.isEmpty {
                    Terminal.write(
                        "Database is up to date at version \(Migration.format(report.version)); nothing to apply.\n")
                } else {
                    let total = report.applied.reduce(0) { $0 + $1.milliseconds }
                    Terminal.write(
                        "Applied \(report.applied.count) migration(s) in \(total) ms; database is at version \(Migration.format(report.version)).\n"
                    )
                }
                return report.plan
            }
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "status",
            abstract: "Show applied and pending migrations.",
            discussion: """
                JSON shape: {"applied":[{"version","name","checksum","applied_at","checksum_state"}],"pending":[{"version","name"}]}
                Exits 1 when an applied migration's file changed or is missing.

                Examples:
                  rg-crm db status
                  rg-crm db status --format json | jq '.pending | length'
                """)

        @OptionGroup var database: DatabaseOptions

        @Option(help: "Output format: text or json.")
        var format: ListingFormat = .text

        func run() throws {
            let status = try reportingErrors { try database.migrator().status() }
            switch format {
            case .text: Terminal.write(MigrationRendering.statusText(status, colour: Terminal.useColour()))
            case .json: Terminal.write(MigrationRendering.statusJSON(status))
            }
            try finish(status.applied.contains(where: { $0.state != .ok }) ? .failed : .success)
        }
    }

    struct Rollback: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rollback",
            abstract: "Run down migrations, newest first, each in its own transaction.",
            discussion: """
                Destructive: the tables a down file drops lose their rows. Without --yes nothing is changed and
                the plan is printed. --to 0 undoes everything and leaves schema crm empty.

                Examples:
                  rg-crm db rollback --steps 1 --yes
                  rg-crm db rollback --to 0 --dry-run
                """)

        @OptionGroup var database: DatabaseOptions

        @Option(help: "Undo this many of the newest applied migrations.")
        var steps: Int?

        @Option(help: "Undo every applied migration above this version (0: all).")
        var to: Int?

        @Flag(help: "Print what would be undone; change nothing.")
        var dryRun = false

        @Flag(help: "Confirm a rollback that drops tables and their data.")
        var yes = false

        func validate() throws {
            if (steps == nil) == (to == nil) { throw ValidationError("give exactly one of --steps N or --to VERSION") }
            if let steps, steps < 1 { throw ValidationError("--steps must be at least 1") }
            if let to, to < 0 { throw ValidationError("--to must be 0 or a version") }
        }

        func run() throws {
            try reportingErrors {
                let target: RollbackTarget = steps.map(RollbackTarget.steps) ?? .version(to ?? 0)
                let migrator = try database.migrator()
                if dryRun || !yes {
                    let plan = try migrator.rollback(target, dryRun: true)
                    if plan.isEmpty {
                        Terminal.write("Nothing to roll back.\n")
                        return
                    }
                    Terminal.write(plan.map { "would roll back \($0.id) (\($0.downPath))\n" }.joined())
                    if !dryRun {
                        throw CommandFailure(
                            "rollback drops tables and their data; run again with --yes to confirm", category: .usage)
                    }
                    return
                }
                let done = try migrator.rollback(target, progress: Progress.migration)
                let version = try migrator.status().currentVersion
                Terminal.write(
                    done.isEmpty
                        ? "Nothing to roll back; database is at version \(Migration.format(version)).\n"
                        : "Rolled back \(done.count) migration(s); database is at version \(Migration.format(version)).\n"
                )
            }
        }
    }

    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Check checksums and prove every down migration undoes its up.",
            discussion: """
                For every version: up, down, up again, comparing a catalog snapshot (tables, columns and types,
                constraints, indexes, policies, views, functions, triggers) after each step. It all runs in one
                transaction that is rolled back, with the live schema renamed aside inside it: no data is
                touched. Exits 1 on any finding.

                Example:
                  rg-crm db verify
                """)

        @OptionGroup var database: DatabaseOptions

        func run() throws {
            let report = try reportingErrors { try database.migrator().verify() }
            for finding in report.findings { Terminal.note("rg-crm: error: \(finding)") }
            for migration in report.skipped {
                let file = migration.transactional ? migration.downPath : migration.upPath
                Terminal.note(
                    "note: \(file): non-transactional, not replayed (it cannot run inside the verify transaction)")
            }
            try finish(report.findings.isEmpty ? .success : .failed)
            Terminal.write(
                "Verified \(report.verified.count) migration(s): checksums match and each down undoes its up.\n")
        }
    }
}
