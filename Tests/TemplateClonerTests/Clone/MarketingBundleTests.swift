import Foundation
import RGCore
import TestSupport
import Testing
import ZIPFoundation

@testable import TemplateCloner

/// Marketing's real 143-template ZIP (read from ../shared, never copied into the repository).
private let marketingBundle = "data/origin/mr_dj_complete_all_143_templates.zip"

@Suite(
    .enabled(
        if: TestRequirements.shared(marketingBundle),
        "needs Marketing's bundle in ../shared/\(marketingBundle) (runs under CI=true)"))
struct MarketingBundleTests {
    @Test func cloningTheRealBundleKeepsEveryEntryAsItIs() throws {
        let zip = try MissingTestInput.shared(marketingBundle)
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let report = try TemplateCloner.clone(
            try TemplateBundles.open(zip), values: try TokenValues(tenant: try Fixtures.mrdj()), tenant: "mrdj",
            options: CloneOptions(target: folder + "/out"))

        // Read the archive independently: every file entry must come out byte for byte (it has no tokens of ours).
        let archive = try Archive(url: URL(fileURLWithPath: zip), accessMode: .read)
        var fileEntries = 0
        var images = 0
        var venuePlaceholders = 0
        var entryCount = 0
        for entry in archive {
            entryCount += 1
            guard entry.type == .file else { continue }
            fileEntries += 1
            var original = Data()
            _ = try archive.extract(entry) { original.append($0) }
            let cloned = try Data(contentsOf: URL(fileURLWithPath: folder + "/out/" + entry.path))
            #expect(Digest.sha256Hex(cloned) == Digest.sha256Hex(original), "\(entry.path)")
            if [".png", ".webp"].contains(where: entry.path.hasSuffix) {
                images += 1
                #expect(report.files.first { $0.path == entry.path }?.verbatim == true)
            }
            venuePlaceholders +=
                String(decoding: cloned, as: UTF8.self).components(separatedBy: "[Venue Naam]").count - 1
        }
        #expect(entryCount == 244)
        #expect(report.files.count == fileEntries)
        #expect(report.files.allSatisfy { $0.status == .create })
        #expect(images == 4)
        #expect(venuePlaceholders > 0)

        // A second clone of the same bundle changes nothing and touches nothing, not even a folder.
        let before = try Fixtures.snapshot(folder, folderTimes: true)
        usleep(20_000)
        let again = try TemplateCloner.clone(
            try TemplateBundles.open(zip), values: try TokenValues(tenant: try Fixtures.mrdj()), tenant: "mrdj",
            options: CloneOptions(target: folder + "/out"))
        #expect(again.count(.unchanged) == fileEntries)
        #expect(try Fixtures.snapshot(folder, folderTimes: true) == before)
    }

    @Test func checkReportsTheBrandGuidelineColoursAgainstTheTenantPalette() throws {
        let zip = try MissingTestInput.shared(marketingBundle)
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try TemplateCloner.clone(
            try TemplateBundles.open(zip), values: try TokenValues(tenant: try Fixtures.mrdj()), tenant: "mrdj",
            options: CloneOptions(target: folder + "/out"))
        let palette = try Fixtures.mrdj().branding.allowedColors
        let diagnostics = try TemplateChecker.check(directory: folder + "/out", palette: palette)
        let colours = diagnostics.filter { $0.rule == "off-palette-colour" }
        for guideline in ["#1A2C4B", "#00AEEF", "#D4AF37"] {
            #expect(colours.contains { $0.message.contains("colour \(guideline) ") }, "\(guideline) not reported")
        }
        // Positions point at the colour: the reported line holds it at the reported column.
        let sample = try #require(colours.first { $0.message.contains("#1A2C4B") })
        let lines = try Fixtures.read(sample.file).split(separator: "\n", omittingEmptySubsequences: false)
        let line = Array(lines[sample.line - 1])
        #expect(String(line[(sample.column - 1)..<(sample.column + 6)]) == "#1A2C4B")
        // With the guideline colours in the palette, none of them is reported any more.
        let widened = palette.union(["#1a2c4b", "#00aeef", "#d4af37"])
        let remaining = try TemplateChecker.check(directory: folder + "/out", palette: widened)
        #expect(
            !remaining.contains { diagnostic in
                ["#1A2C4B", "#00AEEF", "#D4AF37"].contains { diagnostic.message.hasPrefix("colour \($0) ") }
            })
        #expect(remaining.count < diagnostics.count)
    }
}
