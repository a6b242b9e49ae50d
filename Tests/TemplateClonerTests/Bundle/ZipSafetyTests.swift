import Foundation
import RGCore
import Testing

@testable import TemplateCloner

/// Hostile bundles: each is refused with the entry named, and the target and its surroundings stay exactly as they were.
@Suite struct ZipSafetyTests {
    /// Clones `zip` into `parent/target` (which already holds a file) and proves nothing changed under `parent`.
    func expectRefused(_ zip: ZipFixture, entry: String, reason: String, sourceLine: SourceLocation = #_sourceLocation)
        throws
    {
        let parent = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: parent) }
        try Fixtures.write("mine", to: parent + "/target/keep.txt")
        try Fixtures.write("outside", to: parent + "/x")
        let zipPath = parent + "/bundle.zip"
        try zip.write(to: zipPath)
        let before = try Fixtures.snapshot(parent)
        var thrown: TemplateClonerError?
        do {
            let bundle = try TemplateBundles.open(zipPath)
            _ = try TemplateCloner.clone(
                bundle, values: try TokenValues(tenant: try Fixtures.mrdj()), tenant: "mrdj",
                options: CloneOptions(target: parent + "/target/sub"))
        } catch let error as TemplateClonerError {
            thrown = error
        }
        let error = try #require(thrown, "the bundle was accepted", sourceLocation: sourceLine)
        guard case .unsafeEntry(_, let named, let why) = error else {
            Issue.record("expected an unsafe entry, got \(error)", sourceLocation: sourceLine)
            return
        }
        #expect(named == entry, sourceLocation: sourceLine)
        #expect(why.contains(reason), "\(why)", sourceLocation: sourceLine)
        #expect(error.description.contains(JSONValue.quote(entry)), sourceLocation: sourceLine)
        #expect(!error.description.contains("\n"), sourceLocation: sourceLine)
        #expect(try Fixtures.snapshot(parent) == before, "something was written", sourceLocation: sourceLine)
        #expect(!FileManager.default.fileExists(atPath: "/etc/x") || entry != "/etc/x", sourceLocation: sourceLine)
    }

    static let good = ZipFixture.Entry("ok/readme.md", Array("{{tenant.name}}".utf8))

    @Test func parentTraversalIsRefused() throws {
        try expectRefused(
            ZipFixture(entries: [Self.good, .init("../x", Array("evil".utf8))]), entry: "../x", reason: "'..'")
        try expectRefused(
            ZipFixture(entries: [Self.good, .init("a/../../x", Array("evil".utf8))]), entry: "a/../../x", reason: "'..'"
        )
    }

    /// A `/` followed by a combining mark is one Character to Swift: names are split by bytes, as the file system
    /// splits them, so `../\u{301}x` climbs out and is refused (it was taken for one harmless name, and cloned to
    /// the target's parent).
    @Test func aCombiningMarkAfterASlashDoesNotHideATraversal() throws {
        try expectRefused(
            ZipFixture(entries: [Self.good, .init("../\u{301}x", Array("evil".utf8))]), entry: "../\u{301}x",
            reason: "'..'")
        try expectRefused(
            ZipFixture(entries: [Self.good, .init("ok/../../\u{301}x", Array("evil".utf8))]),
            entry: "ok/../../\u{301}x", reason: "'..'")
        #expect(EntryPolicy.collision(in: ["a", "a/\u{301}b"])?.entry == "a/\u{301}b")
    }

    @Test func absolutePathsBackslashesAndDriveLettersAreRefused() throws {
        try expectRefused(
            ZipFixture(entries: [Self.good, .init("/etc/x", Array("evil".utf8))]), entry: "/etc/x", reason: "absolute")
        try expectRefused(
            ZipFixture(entries: [.init(#"..\x"#, Array("evil".utf8))]), entry: #"..\x"#, reason: "backslash")
        try expectRefused(
            ZipFixture(entries: [.init("C:/x", Array("evil".utf8))]), entry: "C:/x", reason: "drive letter")
    }

    @Test func theManifestsNameIsReserved() throws {
        try expectRefused(
            ZipFixture(entries: [.init(".rg-crm-templates.json", Array("{}".utf8))]), entry: ".rg-crm-templates.json",
            reason: "reserved")
        try expectRefused(
            ZipFixture(entries: [.init(".rg-crm-templates.json/x", Array("{}".utf8))]),
            entry: ".rg-crm-templates.json/x",
            reason: "reserved")
    }

    @Test func nulInANameIsRefused() throws {
        try expectRefused(
            ZipFixture(entries: [.init(rawName: Array("a.md".utf8) + [0] + Array("../../x".utf8), Array("evil".utf8))]),
            entry: "a.md\u{0}../../x", reason: "NUL")
    }

    @Test func symlinksAndSpecialFilesAreRefused() throws {
        try expectRefused(
            ZipFixture(entries: [Self.good, .init("link", Array("/etc/passwd".utf8), mode: 0o120777)]), entry: "link",
            reason: "symbolic link")
        try expectRefused(ZipFixture(entries: [.init("fifo", [], mode: 0o010644)]), entry: "fifo", reason: "FIFO")
    }

    @Test func namesThatCollideAreRefused() throws {
        try expectRefused(
            ZipFixture(entries: [.init("A.md", Array("a".utf8)), .init("a.md", Array("b".utf8))]), entry: "a.md",
            reason: "case-insensitive")
        // "é" precomposed (NFC) and decomposed (NFD): one file on macOS.
        try expectRefused(
            ZipFixture(entries: [.init("caf\u{E9}.md", Array("a".utf8)), .init("cafe\u{301}.md", Array("b".utf8))]),
            entry: "cafe\u{301}.md", reason: "Unicode")
        try expectRefused(
            ZipFixture(entries: [.init("x.md", Array("a".utf8)), .init("x.md", Array("b".utf8))]), entry: "x.md",
            reason: "twice")
        try expectRefused(
            ZipFixture(entries: [.init("a", Array("a".utf8)), .init("A/b.md", Array("b".utf8))]), entry: "A/b.md",
            reason: "folder")
    }

    @Test func anEntryThatExpandsToAGigabyteIsRefusedBeforeReading() throws {
        var bomb = ZipFixture.Entry("bomb.txt", ZipFixture.zeroBomb(groups: 521_000))
        bomb.method = 8
        bomb.declaredSize = UInt32(1 + 521_000 * 8 * 258)  // 1,075,344,001 bytes from 6.8 MB, honestly declared
        try expectRefused(ZipFixture(entries: [Self.good, bomb]), entry: "bomb.txt", reason: "expands to 1.0 GiB")
    }

    @Test func anEntryThatLiesAboutItsSizeIsStoppedWhileStreaming() throws {
        var bomb = ZipFixture.Entry("bomb.txt", ZipFixture.zeroBomb(groups: 521_000))
        bomb.method = 8
        bomb.declaredSize = 1000  // claims 1000 bytes, inflates to 1 GB
        try expectRefused(
            ZipFixture(entries: [Self.good, bomb]), entry: "bomb.txt",
            reason: "beyond the 1000 bytes its header declares")
    }

    @Test func theExpansionRatioIsBounded() throws {
        // The fixture's fixed-Huffman stream expands about 159-fold; a 100-fold limit must stop it.
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var bomb = ZipFixture.Entry("zeros.txt", ZipFixture.zeroBomb(groups: 1_100))
        bomb.method = 8
        bomb.declaredSize = UInt32(1 + 1_100 * 8 * 258)  // 2.2 MiB from 14 KB
        try ZipFixture(entries: [bomb]).write(to: folder + "/r.zip")
        #expect {
            try ZipBundle(path: folder + "/r.zip", limits: BundleLimits(maximumRatio: 100))
        } throws: { error in
            "\(error)".contains("over the 100-fold limit")
        }
        #expect(try ZipBundle(path: folder + "/r.zip", limits: BundleLimits(maximumRatio: 200)).entries.count == 1)
    }

    @Test func theDeflateBombReallyExpands() throws {
        // Keeps the two tests above honest: the stream inflates to exactly what it claims.
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var entry = ZipFixture.Entry("zeros.bin", ZipFixture.zeroBomb(groups: 100))
        entry.method = 8
        entry.declaredSize = UInt32(1 + 100 * 8 * 258)
        entry.crc = ZipFixture.crc32([UInt8](repeating: 0, count: 1 + 100 * 8 * 258))
        try ZipFixture(entries: [entry]).write(to: folder + "/z.zip")
        let bundle = try ZipBundle(path: folder + "/z.zip")
        var total = 0
        var nonZero = false
        try bundle.read(bundle.entries[0]) { chunk in
            total += chunk.count
            nonZero = nonZero || chunk.contains { $0 != 0 }
        }
        #expect(total == 1 + 100 * 8 * 258)
        #expect(!nonZero)
    }

    @Test func aTokenErrorInsideAZipNamesTheEntry() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try ZipFixture(entries: [.init("mail/a.html", Array("<p>\n {{brand.logo}}</p>".utf8))]).write(
            to: folder + "/b.zip")
        #expect {
            _ = try TemplateCloner.clone(
                try TemplateBundles.open(folder + "/b.zip"), values: try TokenValues(tenant: try Fixtures.mrdj()),
                tenant: "mrdj",
                options: CloneOptions(target: folder + "/out"))
        } throws: { error in
            (error as? TemplateClonerError)?.description.hasPrefix(
                "\(folder)/b.zip/mail/a.html:2:2: unknown token '{{brand.logo}}'") == true
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/out"))
    }

    @Test func tooManyEntriesAreRefused() throws {
        let entries = (0..<6).map { ZipFixture.Entry("f\($0).txt", []) }
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try ZipFixture(entries: entries).write(to: folder + "/many.zip")
        #expect(throws: TemplateClonerError.self) {
            try ZipBundle(path: folder + "/many.zip", limits: BundleLimits(maximumEntries: 5))
        }
        #expect(try ZipBundle(path: folder + "/many.zip", limits: BundleLimits(maximumEntries: 6)).entries.count == 6)
    }

    @Test func aFolderBundleRefusesSymlinks() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Fixtures.write("a", to: folder + "/src/a.md")
        try FileManager.default.createSymbolicLink(atPath: folder + "/src/passwd", withDestinationPath: "/etc/passwd")
        #expect(
            throws: TemplateClonerError.unsafeEntry(
                bundle: folder + "/src", entry: "passwd",
                reason: "it is a symbolic link (links are never followed or copied)")
        ) {
            try TemplateBundles.open(folder + "/src")
        }
    }
}
