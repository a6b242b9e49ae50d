import Foundation
import TestSupport
import Testing

/// Issue 15, point 3: every file rg-crm reads must be a regular file. A FIFO (also through a link), a device or a
/// socket where a file is expected is refused at once with exit 2 and a one-line error naming it, in every command;
/// before, reading a FIFO blocked for ever. Each run has a 10 s watchdog, so a regression fails, not hangs.
@Suite struct NonRegularFileTests {
    /// A scratch copy of what the commands read: the mrdj pack, the migrations, the seeds, a workflow.
    let root: String

    init() throws {
        root = try TestPaths.temporaryDirectory("rg-crm-fifo")
        let copies = [
            ("configs/tenants/mrdj", "configs/mrdj"), ("db/migrations", "migrations"), ("db/seeds/crm", "seeds"),
            ("automation/workflows", "workflows"), ("automation/templates", "templates"),
        ]
        for (source, target) in copies {
            try FileManager.default.copyItem(atPath: TestPaths.repository(source), toPath: root + "/" + target)
        }
    }

    /// Replaces `relative` with a FIFO nobody writes to.
    func plantFIFO(_ relative: String) {
        unlink(root + "/" + relative)
        #expect(mkfifo(root + "/" + relative, 0o600) == 0)
    }

    /// Runs rg-crm; exit 2 with exactly one error line naming `file` as `reason`.
    func expectRefusal(
        _ arguments: [String], file: String, reason: String, sourceLocation: SourceLocation = #_sourceLocation
    )
        throws
    {
        let running = try RGCRMProcess.start(
            arguments, environment: ["NO_COLOR": "1", "DATABASE_URL": "postgresql:///nowhere?host=/nonexistent"],
            directory: root)
        guard let result = running.wait(timeout: 10) else {
            Issue.record(
                "rg-crm \(arguments.joined(separator: " ")) still running after 10 s", sourceLocation: sourceLocation)
            return
        }
        #expect(result.status == 2, "\(result.stderr)", sourceLocation: sourceLocation)
        let errors = result.stderr.split(separator: "\n").filter { $0.hasPrefix("rg-crm: error:") }
        #expect(errors.count == 1, "\(result.stderr)", sourceLocation: sourceLocation)
        #expect(
            errors.first.map { $0.contains(file) && $0.contains(reason) } == true, "\(result.stderr)",
            sourceLocation: sourceLocation)
    }

    static let fifo = "is a FIFO (named pipe), expected a regular file"

    @Test func lintRefusesAFIFOInAFolderNamedDirectlyOrThroughALink() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        plantFIFO("workflows/f.yaml")
        try expectRefusal(["lint", "workflows"], file: "workflows/f.yaml", reason: Self.fifo)
        try expectRefusal(["lint", "workflows/f.yaml"], file: "workflows/f.yaml", reason: Self.fifo)
        #expect(symlink("f.yaml", root + "/workflows/link.yaml") == 0)
        try expectRefusal(["lint", "workflows/link.yaml"], file: "workflows/link.yaml", reason: Self.fifo)
        try expectRefusal(
            ["lint", "/dev/zero"], file: "/dev/zero", reason: "is a character device, expected a regular file")
    }

    @Test func configCheckAndSeedRefuseAFIFOAsTenantJSON() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        plantFIFO("configs/mrdj/tenant.json")
        try expectRefusal(
            [
                "config", "check", "--tenant", "mrdj", "--config-dir", "configs", "--workflows",
                TestPaths.repository("automation/workflows"),
            ], file: "configs/mrdj/tenant.json",
            reason: Self.fifo)
        try expectRefusal(
            ["db", "seed", "--tenant", "mrdj", "--config-dir", "configs", "--seeds", "seeds"],
            file: "configs/mrdj/tenant.json", reason: Self.fifo)
    }

    @Test func seedRefusesAFIFOAsASeedFile() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        plantFIFO("seeds/base.json")
        try expectRefusal(
            ["db", "seed", "--tenant", "mrdj", "--config-dir", "configs", "--seeds", "seeds"], file: "seeds/base.json",
            reason: Self.fifo)
    }

    @Test func dbStatusRefusesAFIFOAsAMigration() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let name = try #require(
            try FileManager.default.contentsOfDirectory(atPath: root + "/migrations").sorted().first {
                $0.hasSuffix(".up.sql")
            })
        plantFIFO("migrations/" + name)
        try expectRefusal(
            ["db", "status", "--migrations", "migrations"], file: "migrations/" + name, reason: Self.fifo)
    }

    @Test func templatesCloneRefusesAFIFOAsBundleEntryZIPOrManifest() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let clone = ["templates", "clone", "--tenant", "mrdj", "--config-dir", "configs"]
        plantFIFO("bundle.zip")
        try expectRefusal(clone + ["--from", "bundle.zip", "--to", "out"], file: "bundle.zip", reason: Self.fifo)
        #expect(mkfifo(root + "/templates/sms/f.txt", 0o600) == 0)
        try expectRefusal(clone + ["--from", "templates", "--to", "out"], file: "sms/f.txt", reason: Self.fifo)
        unlink(root + "/templates/sms/f.txt")
        let done = try RGCRMProcess.start(clone + ["--from", "templates", "--to", "out"], directory: root).wait(
            timeout: 60)
        #expect(done?.status == 0, "\(done?.stderr ?? "timed out")")
        plantFIFO("out/.rg-crm-templates.json")
        try expectRefusal(
            clone + ["--from", "templates", "--to", "out"], file: "out/.rg-crm-templates.json", reason: Self.fifo)
        plantFIFO("out/sms/payment_reminder.txt")
        unlink(root + "/out/.rg-crm-templates.json")
        try expectRefusal(
            clone + ["--from", "templates", "--to", "out", "--force"], file: "out/sms/payment_reminder.txt",
            reason: "is a FIFO (named pipe), not a file rg-crm wrote")
    }

    @Test func templatesCheckRefusesAFIFOInsteadOfSkippingIt() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        plantFIFO("templates/email/f.mjml")
        try expectRefusal(
            ["templates", "check", "--tenant", "mrdj", "--config-dir", "configs", "--path", "templates"],
            file: "templates/email/f.mjml", reason: Self.fifo)
    }
}
