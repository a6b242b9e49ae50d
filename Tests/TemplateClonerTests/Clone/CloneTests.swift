import Foundation
import RGCore
import TestSupport
import Testing

@testable import TemplateCloner

/// Cloning mrdj's library: tokens, placeholders, escaping, binaries, idempotence, conflicts, --force, --dry-run.
@Suite struct CloneTests {
    func clone(
        _ bundle: any TemplateBundle, into target: String, tenant: TenantConfig? = nil, dryRun: Bool = false,
        force: Bool = false,
        select: [String] = []
    ) throws -> CloneReport {
        try TemplateCloner.clone(
            bundle, values: try TokenValues(tenant: tenant ?? Fixtures.mrdj()), tenant: "mrdj",
            options: CloneOptions(
                target: target, selectors: try select.map { try Selector($0) }, dryRun: dryRun, force: force))
    }

    /// Every library file, relative to the library folder.
    func libraryFiles() throws -> [String] {
        try FileManager.default.subpathsOfDirectory(atPath: Fixtures.library).filter { path in
            var isFolder: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: Fixtures.library + "/" + path, isDirectory: &isFolder)
            return !isFolder.boolValue
        }.sorted()
    }

    @Test func cloningMrDJFillsEveryTokenAndKeepsEveryPlaceholder() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let report = try clone(try Fixtures.libraryBundle(), into: folder + "/automation")
        let files = try libraryFiles()
        #expect(files.count >= 27)
        #expect(report.files.count == files.count)
        #expect(report.files.allSatisfy { $0.status == .create })
        var replaced = 0
        for file in files {
            let source = try Fixtures.read(Fixtures.library + "/" + file)
            let output = try Fixtures.read(folder + "/automation/templates/" + file)
            #expect(
                !output.contains("{{brand.") && !output.contains("{{tenant.") && !output.contains("{{ brand."),
                "\(file)")
            #expect(Fixtures.runtimePlaceholders(output) == Fixtures.runtimePlaceholders(source), "\(file)")
            replaced += report.files.first { $0.path == "templates/" + file }?.replacements ?? 0
        }
        #expect(replaced > 100)
        let mjml = try Fixtures.read(folder + "/automation/templates/email/proposal_sent.mjml")
        #expect(mjml.contains(##"<mj-body background-color="#F3F4F6">"##))
        #expect(mjml.contains(#"<mj-image src="https://mr-dj.rentguy.nl/assets/brand/mr-dj-logo.svg" alt="Mr. DJ""#))
        #expect(mjml.contains("https://mr-dj.rentguy.nl/offerte/{{proposal.token}}"))
        let whatsapp = try JSONParser.parse(
            try Fixtures.bytes(folder + "/automation/templates/whatsapp/lead_confirmation.json"))
        #expect(
            whatsapp["components"]?.elements?[1]["text"]?.string?.hasPrefix(
                "Hoi {{1}}, bedankt voor je aanvraag bij Mr. DJ voor {{2}}!") == true)
        // The cloned library passes its own check.
        #expect(
            try TemplateChecker.check(
                directory: folder + "/automation", palette: try Fixtures.mrdj().branding.allowedColors) == [])
    }

    @Test func aHostileBrandNameComesOutValidInEveryFileType() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var tenant = try Fixtures.mrdj()
        tenant.name = "Mr. DJ & Friends \"Live\" <3"
        _ = try clone(try Fixtures.libraryBundle(), into: folder + "/out", tenant: tenant)
        for file in try libraryFiles() {
            let path = folder + "/out/templates/" + file
            let text = try Fixtures.read(path)
            switch FileKind(path: file) {
            case .json where file == TemplateCatalog.fileName:
                _ = try JSONParser.parse(try Fixtures.bytes(path))
            case .json:
                let root = try JSONParser.parse(try Fixtures.bytes(path))
                #expect(
                    root.plain.serialized().contains(JSONValue.quote(tenant.name).dropFirst().dropLast()), "\(file)")
            case .markup:
                #expect(text.contains("Mr. DJ &amp; Friends &quot;Live&quot; &lt;3"), "\(file)")
                #expect(!text.contains(tenant.name), "\(file)")
                #expect(MJMLScanner.problems(Array(text.utf8)).isEmpty, "\(file)")
            case .markdown:
                #expect(text.contains(#"from_name: "Mr. DJ & Friends \"Live\" <3""#), "\(file)")
                #expect(text.contains("Het team van " + tenant.name), "\(file)")
            case .raw:
                #expect(text.hasPrefix(tenant.name + ": "), "\(file)")
            case .yaml:
                Issue.record("no YAML in the template library yet: \(file)")
            }
        }
    }

    @Test func binariesAreCopiedByteForByteJudgedByContent() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        // Binary content behind text extensions, each with a token inside: none may be rendered.
        let png: [UInt8] =
            [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("{{brand.primary_color}}".utf8) + [0xFF, 0x00]
        let font: [UInt8] = [0x00, 0x01, 0x00, 0x00] + Array("{{tenant.name}}".utf8) + (0..<255).map(UInt8.init)
        let latin1: [UInt8] = Array("caf".utf8) + [0xE9] + Array(" {{tenant.name}}".utf8)  // not UTF-8
        let pdf: [UInt8] = Array("%PDF-1.7\n{{tenant.name}}\n".utf8)  // a PDF signature, otherwise plain ASCII
        // A NUL past the sniffed head still makes a file binary.
        let large = [UInt8](repeating: 0x41, count: 20_000) + [0] + Array("{{tenant.name}}".utf8)
        let files: [String: [UInt8]] = [
            "logo.html": png, "font.txt": font, "old.md": latin1, "brochure.json": pdf, "img/big.dat": large,
        ]
        for (name, bytes) in files {
            try FileManager.default.createDirectory(
                atPath: (folder + "/src/" + name as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true)
            try Data(bytes).write(to: URL(fileURLWithPath: folder + "/src/" + name))
        }
        try Fixtures.write("{{tenant.name}}", to: folder + "/src/plain.md")
        let report = try clone(try TemplateBundles.open(folder + "/src"), into: folder + "/out")
        for (name, bytes) in files {
            #expect(Digest.sha256Hex(try Fixtures.bytes(folder + "/out/" + name)) == Digest.sha256Hex(bytes), "\(name)")
            #expect(report.files.first { $0.path == name }?.verbatim == true, "\(name)")
        }
        #expect(try Fixtures.read(folder + "/out/plain.md") == "Mr. DJ")
    }

    @Test func aSecondRunChangesNothingAndTouchesNoFile() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try clone(try Fixtures.libraryBundle(), into: folder + "/automation")
        let manifest = try #require(
            CloneManifest.parse(try Fixtures.bytes(folder + "/automation/" + CloneManifest.fileName)))
        #expect(manifest.files.count == (try libraryFiles().count))
        #expect(manifest.valuesDigest == (try TokenValues(tenant: try Fixtures.mrdj()).digest))
        #expect(manifest.sourceDigest.count == 64)
        for (path, digest) in manifest.files {
            #expect(Digest.sha256Hex(try Fixtures.bytes(folder + "/automation/" + path)) == digest)
        }
        let before = try Fixtures.snapshot(folder, folderTimes: true)
        usleep(20_000)  // a rewrite would show in the nanosecond mtimes
        let second = try clone(try Fixtures.libraryBundle(), into: folder + "/automation")
        #expect(second.files.allSatisfy { $0.status == .unchanged })
        #expect(second.count(.unchanged) == manifest.files.count)
        #expect(!second.manifestChanged)
        #expect(try Fixtures.snapshot(folder, folderTimes: true) == before)
    }

    @Test func aHandEditIsAConflictThatSurvivesUntilForced() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/automation"
        _ = try clone(try Fixtures.libraryBundle(), into: target)
        let edited = target + "/templates/sms/payment_reminder.txt"
        try Fixtures.write("Mr. DJ: betaal nu!\n", to: edited)

        // A re-brand updates untouched files but keeps the hand edit.
        var rebranded = try Fixtures.mrdj()
        rebranded.name = "Mr. DJ Events"
        let report = try clone(try Fixtures.libraryBundle(), into: target, tenant: rebranded)
        let conflict = try #require(report.files.first { $0.path == "templates/sms/payment_reminder.txt" })
        #expect(conflict.status == .conflict)
        #expect(report.count(.conflict) == 1)
        #expect(report.files.first { $0.path == "templates/sms/event_day_reminder.txt" }?.status == .update)
        #expect(try Fixtures.read(edited) == "Mr. DJ: betaal nu!\n")
        let difference = try #require(conflict.difference)
        #expect(difference.line == 1)
        #expect(difference.current == ["Mr. DJ: betaal nu!"])
        #expect(difference.template.first?.hasPrefix("Mr. DJ Events: Hoi {{contact.first_name}}") == true)

        // Still a conflict on the next run: the manifest kept the digest the clone wrote, not the edit.
        #expect(try clone(try Fixtures.libraryBundle(), into: target, tenant: rebranded).count(.conflict) == 1)

        let forced = try clone(try Fixtures.libraryBundle(), into: target, tenant: rebranded, force: true)
        let overwritten = try #require(forced.files.first { $0.path == "templates/sms/payment_reminder.txt" })
        #expect(overwritten.status == .update && overwritten.forced)
        #expect(try Fixtures.read(edited).hasPrefix("Mr. DJ Events: Hoi {{contact.first_name}}"))
        #expect(
            try clone(try Fixtures.libraryBundle(), into: target, tenant: rebranded).files.allSatisfy {
                $0.status == .unchanged
            })
    }

    @Test func aLinkedFolderInTheTargetFailsTheWholeCloneBeforeAnythingIsReadOrMoved() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/automation"
        _ = try clone(try Fixtures.libraryBundle(), into: target)
        // Someone replaces templates/sms with a link to a folder outside the target holding a private file.
        let outside = folder + "/outside"
        try FileManager.default.createDirectory(atPath: outside, withIntermediateDirectories: true)
        try Fixtures.write("geheim\n", to: outside + "/payment_reminder.txt")
        try FileManager.default.removeItem(atPath: target + "/templates/sms")
        try FileManager.default.createSymbolicLink(atPath: target + "/templates/sms", withDestinationPath: outside)
        let before = try Fixtures.read(target + "/templates/email/lead_welcome.md")
        var rebranded = try Fixtures.mrdj()
        rebranded.name = "Mr. DJ Events"
        #expect { try clone(try Fixtures.libraryBundle(), into: target, tenant: rebranded) } throws: { error in
            "\(error)".contains("templates/sms: is a symbolic link or a file") && !"\(error)".contains("geheim")
        }
        // Nothing moved: the other files still carry the old brand, and the outside file is untouched.
        #expect(try Fixtures.read(target + "/templates/email/lead_welcome.md") == before)
        #expect(try Fixtures.read(outside + "/payment_reminder.txt") == "geheim\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outside) == ["payment_reminder.txt"])
    }

    @Test func dryRunWritesNothing() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/automation"
        let empty = try Fixtures.snapshot(folder)
        let first = try clone(try Fixtures.libraryBundle(), into: target, dryRun: true)
        let expected = try libraryFiles().count
        #expect(first.dryRun && first.count(.create) == expected)
        #expect(try Fixtures.snapshot(folder) == empty)
        #expect(!FileManager.default.fileExists(atPath: target))

        _ = try clone(try Fixtures.libraryBundle(), into: target)
        try Fixtures.write("edited\n", to: target + "/templates/email/lead_welcome.md")
        let before = try Fixtures.snapshot(folder)
        var rebranded = try Fixtures.mrdj()
        rebranded.branding.accentColor = "#DC2626"
        let preview = try clone(
            try Fixtures.libraryBundle(), into: target, tenant: rebranded, dryRun: true, force: true)
        #expect(preview.count(.update) > 0)
        #expect(try Fixtures.snapshot(folder) == before)
    }

    @Test func anUnknownTokenStopsTheWholeCloneAndWritesNothing() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.copyItem(atPath: Fixtures.library, toPath: folder + "/library")
        try Fixtures.write(
            "<mjml><mj-body>\n  <mj-text color=\"{{brand.primary_colour}}\">x</mj-text>\n</mj-body></mjml>\n",
            to: folder + "/library/email/zz_bad.mjml")
        let bundle = try FolderBundle(roots: [.init(path: folder + "/library", prefix: "templates")], label: "library")
        // A new target: not created. An existing target: not touched, though other files would have changed.
        for existing in [false, true] {
            let target = folder + "/target-\(existing)"
            if existing {
                _ = try clone(try Fixtures.libraryBundle(), into: target)
                try Fixtures.write("edited\n", to: target + "/templates/sms/payment_reminder.txt")
            }
            let before = try Fixtures.snapshot(folder)
            var rebranded = try Fixtures.mrdj()
            rebranded.name = "Changed"
            #expect {
                _ = try clone(bundle, into: target, tenant: rebranded)
            } throws: { error in
                guard case .render(let problems) = error as? TemplateClonerError, let problem = problems.first else {
                    return false
                }
                let file = folder + "/library/email/zz_bad.mjml"  // the file on disk, where the author fixes it
                return problems.count == 1 && problem.file == file && problem.line == 2 && problem.column == 19
                    && (error as! TemplateClonerError).description.hasPrefix(
                        "\(file):2:19: unknown token '{{brand.primary_colour}}'")
            }
            #expect(try Fixtures.snapshot(folder) == before)
        }
    }

    @Test func selectPicksByGlobChannelAndVertical() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bundle = try Fixtures.libraryBundle()
        let paths = { (select: [String]) in
            try self.clone(bundle, into: folder + "/t", dryRun: true, select: select).files.map(\.path).sorted()
        }
        let whatsapp = try paths(["channel:whatsapp"])
        #expect(
            whatsapp == [
                "templates/whatsapp/event_feedback.json", "templates/whatsapp/lead_confirmation.json",
                "templates/whatsapp/proposal_nudge.json",
            ])
        #expect(try paths(["*.mjml"]).count == 9)
        #expect(
            try paths(["templates/sms/*", "id:director_review"]) == [
                "templates/sms/event_day_reminder.txt", "templates/sms/payment_reminder.txt",
                "templates/teams/director_review.json",
            ])
        let corporate = try paths(["vertical:corporate"])
        #expect(
            corporate.contains("templates/email/corporate_lead_welcome.md")
                && !corporate.contains("templates/email/festival_lead_welcome.md"))
        #expect(
            try paths(["templates/**/lead_*.md"]) == [
                "templates/email/lead_followup_reminder.md", "templates/email/lead_welcome.md",
            ])
        #expect(throws: TemplateClonerError.self) { try Selector("colour:red") }
    }

    @Test func theLibraryHoldsEveryTemplateTheWorkflowsName() throws {
        // The contract with the workflow linter: automation/templates/CH/ID.<ext>; an e-mail is an .md + .mjml pair.
        // The workflows' ids, plus the vertical welcomes and the SMS the library adds.
        let required = TemplateContract.workflowTemplateIDs.merging(
            [
                "email": ["corporate_lead_welcome", "festival_lead_welcome"],
                "sms": ["event_day_reminder", "payment_reminder"],
            ]
        ) { $0 + $1 }
        let catalog = try TemplateCatalog.parse(
            try Fixtures.bytes(Fixtures.library + "/catalog.json"), folder: "", file: "catalog.json")
        for (channel, ids) in required {
            for id in ids {
                let extensions = channel == "email" ? ["md", "mjml"] : channel == "sms" ? ["txt"] : ["json"]
                for ext in extensions {
                    #expect(
                        FileManager.default.fileExists(atPath: "\(Fixtures.library)/\(channel)/\(id).\(ext)"),
                        "\(channel)/\(id).\(ext)")
                }
                let metadata = catalog.metadata(forPath: "\(channel)/\(id).\(extensions[0])")
                #expect(metadata?.locale == "nl-NL" && metadata?.verticals.isEmpty == false, "\(channel)/\(id)")
            }
        }
        // Every file in the library is in the catalog, and the three verticals are covered.
        for file in try libraryFiles() where file != TemplateCatalog.fileName {
            #expect(catalog.metadata(forPath: file) != nil, "\(file) has no catalog entry")
        }
        #expect(Set(catalog.templates.flatMap(\.verticals)) == ["wedding", "corporate", "festival"])
    }
}
