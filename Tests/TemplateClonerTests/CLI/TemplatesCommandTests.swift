import Foundation
import RGCore
import TestSupport
import Testing

@testable import TemplateCloner

/// The `rg-crm templates` command end to end: output, exit codes, one-line errors. Kept few; the library tests
/// cover the behaviour.
@Suite struct TemplatesCommandTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// The debug build of rg-crm, which `swift build --build-tests` (and `swift test`) make beside the tests.
    static var binary: String {
        let candidates = [
            "debug", "x86_64-unknown-linux-gnu/debug", "aarch64-unknown-linux-gnu/debug", "arm64-apple-macosx/debug",
        ]
        .map { Fixtures.packageRoot + "/.build/" + $0 + "/rg-crm" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[0]
    }

    func run(_ arguments: [String]) throws -> Run {
        try #require(FileManager.default.isExecutableFile(atPath: Self.binary), "build rg-crm first (swift build)")
        let result = try TestProcess.run(
            Self.binary, arguments, environment: ["NO_COLOR": "1"], directory: Fixtures.packageRoot)
        return Run(status: result.status, stdout: result.stdout, stderr: result.stderr)
    }

    @Test func cloneReportsEachFileThenUnchangedThenAConflict() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/automation"
        // The default source is the library plus automation/workflows, where the workflow linter's files live.
        let expected = try ["automation/templates", "automation/workflows"].reduce(0) { count, folder in
            let path = Fixtures.packageRoot + "/" + folder
            guard FileManager.default.fileExists(atPath: path) else { return count }
            return count
                + (try FileManager.default.subpathsOfDirectory(atPath: path)).filter { relative in
                    var isFolder: ObjCBool = false
                    _ = FileManager.default.fileExists(atPath: path + "/" + relative, isDirectory: &isFolder)
                    return !isFolder.boolValue
                }.count
        }
        #expect(expected >= 27)
        let first = try run(["templates", "clone", "--tenant", "mrdj", "--to", target])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("+ create file \(target)/templates/email/lead_welcome.mjml\n"))
        #expect(first.stdout.hasSuffix("Done: \(expected) created, 0 updated, 0 deleted, 0 conflicts, 0 unchanged.\n"))

        let second = try run(["templates", "clone", "--tenant", "mrdj", "--to", target])
        #expect(second.status == 0)
        #expect(second.stdout == "Done: 0 created, 0 updated, 0 deleted, 0 conflicts, \(expected) unchanged.\n")
        let listed = try run(["templates", "clone", "--tenant", "mrdj", "--to", target, "--verbose"])
        #expect(listed.stdout.contains("= unchanged file \(target)/templates/email/lead_welcome.mjml\n"))

        try Fixtures.write("Hallo!\n", to: target + "/templates/sms/payment_reminder.txt")
        let conflict = try run(["templates", "clone", "--tenant", "mrdj", "--to", target])
        #expect(conflict.status == 1)
        #expect(
            conflict.stdout.contains("! conflict file \(target)/templates/sms/payment_reminder.txt (edited by hand"))
        #expect(conflict.stdout.contains("    - Hallo!\n    + Mr. DJ: Hoi {{contact.first_name}}"))

        let check = try run(["templates", "check", "--tenant", "mrdj", "--path", target])
        #expect(check.status == 0, "\(check.stdout)")
    }

    @Test(arguments: [
        ("\"#EF4444\"", "\"rood\"", "$.branding.accent_color: expected a hex colour", "(line 10, column 21)"),
        (
            "\"https://mr-dj.rentguy.nl/assets/brand/mr-dj-logo.svg\"", "\"http://mr-dj.nl/logo.svg\"",
            "$.branding.logo_url: expected an https:// URL", "(line 11, column 17)"
        ),
    ])
    func aBadColourOrURLInTenantJSONFailsOnOneLineAndWritesNothing(
        good: String, bad: String, message: String, position: String
    ) throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.copyItem(atPath: Fixtures.configDirectory + "/mrdj", toPath: folder + "/configs/mrdj")
        let tenantFile = folder + "/configs/mrdj/tenant.json"
        let original = try Fixtures.read(tenantFile)
        #expect(original.contains(good))
        try Fixtures.write(original.replacingOccurrences(of: good, with: bad), to: tenantFile)
        // An earlier clone in the target: it must stay exactly as it was.
        #expect(try run(["templates", "clone", "--tenant", "mrdj", "--to", folder + "/out"]).status == 0)
        let before = try Fixtures.snapshot(folder, folderTimes: true)
        let result = try run([
            "templates", "clone", "--tenant", "mrdj", "--config-dir", folder + "/configs", "--to", folder + "/out",
        ])
        #expect(result.status == 2)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.hasPrefix("rg-crm: error: \(tenantFile): \(message)"))
        #expect(result.stderr.contains(position))
        #expect(result.stderr.split(separator: "\n").count == 1)
        #expect(try Fixtures.snapshot(folder, folderTimes: true) == before)
    }

    /// A clone's render problems read like a check's findings: one error line each, then the total.
    @Test func renderProblemsAreOneErrorLineEach() throws {
        let source = try Fixtures.temporaryFolder()
        let target = try Fixtures.temporaryFolder() + "/out"
        defer { try? FileManager.default.removeItem(atPath: source) }
        try FileManager.default.createDirectory(atPath: source + "/sms", withIntermediateDirectories: true)
        try Fixtures.write("Hoi {{brand.nosuch}} en {{tenant.bogus}}\n", to: source + "/sms/a.txt")
        let result = try run(["templates", "clone", "--tenant", "mrdj", "--from", source, "--to", target])
        #expect(result.status == 2)
        let lines = result.stderr.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(result.stderr)")
        #expect(lines.allSatisfy { $0.hasPrefix("rg-crm: error: ") })
        #expect(lines[0].contains("/sms/a.txt:1:5: ") && lines[1].contains("/sms/a.txt:1:25: "), "\(result.stderr)")
        #expect(lines[2] == "rg-crm: error: 2 problems; nothing was written")
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test func aHostileZipFailsNamingTheEntry() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try ZipFixture(entries: [.init("ok.md", Array("x".utf8)), .init("../x", Array("evil".utf8))]).write(
            to: folder + "/evil.zip")
        let before = try Fixtures.snapshot(folder)
        let result = try run([
            "templates", "clone", "--tenant", "mrdj", "--from", folder + "/evil.zip", "--to", folder + "/out",
        ])
        #expect(result.status == 2)
        #expect(
            result.stderr
                == "rg-crm: error: \(folder)/evil.zip: entry \"../x\" is refused: it climbs out of the target with '..'; nothing was written\n"
        )
        #expect(try Fixtures.snapshot(folder) == before)
    }

    @Test func checkSpeaksEveryFormatWithPositionsAndExitCodes() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Fixtures.write(
            TemplateCheckerTests.goodMJML.replacingOccurrences(of: "\"#EF4444\"", with: "\"#00AEEF\""),
            to: folder + "/email/a.mjml")
        let file = folder + "/email/a.mjml"
        let text = try run(["templates", "check", "--tenant", "mrdj", "--path", folder])
        #expect(text.status == 1)
        #expect(text.stdout.hasPrefix("\(file):6:97: error: colour #00AEEF is not in the tenant's palette"))
        #expect(text.stdout.contains("[off-palette-colour]\n"))
        let json = try run(["templates", "check", "--tenant", "mrdj", "--path", folder, "--format", "json"])
        let findings = try #require(try JSONParser.parse(json.stdout).elements)
        #expect(findings.count == 1)
        #expect(findings.first?["line"]?.number == 6 && findings.first?["column"]?.number == 97)
        let sarif = try run(["templates", "check", "--tenant", "mrdj", "--path", folder, "--format", "sarif"])
        #expect(try JSONParser.parse(sarif.stdout)["version"]?.string == "2.1.0")
        let github = try run(["templates", "check", "--tenant", "mrdj", "--path", folder, "--format", "github"])
        #expect(github.stdout.hasPrefix("::error file=\(file),line=6,col=97,title=off-palette-colour::"))
        let missing = try run(["templates", "check", "--tenant", "mrdj", "--path", folder + "/nope"])
        #expect(missing.status == 2)
    }
}
