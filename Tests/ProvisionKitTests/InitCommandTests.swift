import Foundation
import TestSupport
import Testing

/// `rg-crm tenant init` as a user runs it.
@Suite struct InitCommandTests {
    @Test func initWritesAPackThatConfigCheckAcceptsAndRefusesToOverwriteIt() throws {
        let configs = try InitTests.configs()
        let arguments = [
            "tenant", "init", "acme", "--name", "Acme Events", "--domain", "acme.rentguy.nl", "--vertical",
            "corporate,wedding", "--primary-color", "#0F766E", "--config-dir", configs,
        ]
        let dryRun = try RGCRMProcess.run(arguments + ["--dry-run", "--detailed-exitcode"])
        #expect(dryRun.status == 2, "\(dryRun.stderr)")
        #expect(dryRun.stdout.contains("+ create file \(configs)/acme/tenant.json"))
        #expect(!FileManager.default.fileExists(atPath: "\(configs)/acme"))

        let first = try RGCRMProcess.run(arguments)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.hasPrefix("tenant acme: config pack \(configs)/acme created\n"))
        #expect(first.stdout.hasSuffix("Done: 2 created, 0 updated, 0 deleted, 0 conflicts, 0 unchanged.\n"))
        let check = try RGCRMProcess.run(["config", "check", "--tenant", "acme", "--config-dir", configs])
        #expect(check.status == 0, "\(check.stderr)")
        #expect(check.stdout.contains("valid (Acme Events"))

        let again = try RGCRMProcess.run(arguments)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.hasPrefix("tenant acme: config pack \(configs)/acme unchanged\n"))

        let other = try RGCRMProcess.run(
            [
                "tenant", "init", "acme", "--name", "Other", "--domain", "acme.rentguy.nl", "--vertical", "wedding",
                "--config-dir", configs,
            ])
        #expect(other.status == 2)
        #expect(other.stderr.hasPrefix("rg-crm: error: \(configs)/acme already exists"))
        #expect(other.stderr.split(separator: "\n").count == 1, "\(other.stderr)")
    }

    @Test(arguments: [
        (["Acme"], "rg-crm: error: invalid tenant slug \"Acme\""),
        (["acme", "--domain", "acme"], "rg-crm: error: --domain: expected a domain name"),
        (["acme", "--vertical", "party"], "rg-crm: error: --vertical: unknown vertical 'party'"),
        (["acme", "--primary-color", "#12"], "rg-crm: error: --primary-color: expected a hex colour"),
        (["acme", "--name", "A\u{1B}[2J"], "rg-crm: error: --name: control character U+001B"),
        (["acme", "--from", "nosuch"], "rg-crm: error: "),
    ])
    func badInputIsOneErrorLineAndExit2(_ extra: [String], _ message: String) throws {
        let configs = try InitTests.configs()
        var arguments = ["tenant", "init", extra[0]]
        var options = ["--name": "Acme", "--domain": "acme.rentguy.nl", "--vertical": "wedding"]
        var rest = Array(extra.dropFirst())
        while rest.count >= 2 {
            if options[rest[0]] != nil { options[rest[0]] = rest[1] } else { arguments += [rest[0], rest[1]] }
            rest.removeFirst(2)
        }
        for (flag, value) in options.sorted(by: { $0.key < $1.key }) { arguments += [flag, value] }
        let result = try RGCRMProcess.run(arguments + ["--config-dir", configs])
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.hasPrefix(message), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(!result.stderr.contains("\u{1B}"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: configs) == ["mrdj"])
    }
}
