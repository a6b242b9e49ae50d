import Testing

@testable import RGCore

/// The one line-difference file: the unified diff of `workflows upgrade --dry-run` and the changed block of a
/// hand-edited template.
@Suite struct LineDiffTests {
    @Test func aUnifiedDiffShowsChangedLinesWithContext() {
        #expect(
            LineDiff.unified(old: "a\nb\nc\n", new: "a\nB\nc\nd\n", path: "/tmp/x.yaml")
                == "--- a/tmp/x.yaml\n+++ b/tmp/x.yaml\n@@ -1,4 +1,5 @@\n a\n-b\n+B\n c\n+d\n \n")
        #expect(LineDiff.unified(old: "same\n", new: "same\n", path: "x").isEmpty)
    }

    /// Lines break where the file's reader breaks them: a CR-only or CRLF template's edit is on its own line.
    @Test(arguments: ["\r", "\r\n"])
    func theChangedBlockCountsLinesAsTemplatesDo(_ lineBreak: String) throws {
        let current = ["one", "two", "edited"].joined(separator: lineBreak) + lineBreak
        let template = ["one", "two", "three"].joined(separator: lineBreak) + lineBreak
        let difference = try #require(
            LineDifference.between(current: Array(current.utf8), template: Array(template.utf8)))
        #expect(difference == LineDifference(line: 3, current: ["edited"], template: ["three"]))
        // Only the kind of line break differs: still a difference, cut at LF so that the CRs show.
        let mixed = try #require(
            LineDifference.between(current: Array("a\r\nb\n".utf8), template: Array("a\nb\n".utf8)))
        #expect(mixed == LineDifference(line: 1, current: ["a\r"], template: ["a"]))
    }

    @Test func theChangedBlockSetsCommonLinesAside() throws {
        let difference = try #require(
            LineDifference.between(current: Array("a\nhand edit\nc\n".utf8), template: Array("a\nb1\nb2\nc\n".utf8)))
        #expect(difference == LineDifference(line: 2, current: ["hand edit"], template: ["b1", "b2"]))
        #expect(LineDifference.between(current: Array("x\n".utf8), template: Array("x\n".utf8)) == nil)
        // A missing final line break is a difference too.
        #expect(
            LineDifference.between(current: Array("x".utf8), template: Array("x\n".utf8))
                == LineDifference(line: 2, current: [], template: [""]))
    }
}
