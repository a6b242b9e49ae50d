import Foundation
import RGCore
import Testing

@testable import WorkflowLint

/// Which files `rg-crm lint PATH…` looks at: named files whatever their extension; in folders, `*.yaml` and `*.yml`
/// at any depth in name order, linked folders not followed; a missing path reported, the rest still collected.
@Suite struct CollectFilesTests {
    @Test func foldersGiveTheirWorkflowFilesAtAnyDepthInNameOrder() throws {
        let root = NSTemporaryDirectory() + "collect-\(UUID().uuidString)"
        let outside = NSTemporaryDirectory() + "collect-outside-\(UUID().uuidString)"
        defer {
            try? FileManager.default.removeItem(atPath: root)
            try? FileManager.default.removeItem(atPath: outside)
        }
        let manager = FileManager.default
        for folder in ["\(root)/b", "\(root)/a/deeper", "\(root)/c.yaml", outside] {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        for file in [
            "z.yaml", "a.yml", "notes.txt", "b/x.yaml", "a/deeper/y.yaml", "a/w.YAML", ".hidden.yaml", "c.yaml/in.yaml",
        ] {
            manager.createFile(atPath: "\(root)/\(file)", contents: Data("workflow: x\n".utf8))
        }
        manager.createFile(atPath: "\(outside)/linked.yaml", contents: Data())
        try manager.createSymbolicLink(atPath: "\(root)/link", withDestinationPath: outside)
        let named = "\(root)/notes.txt"

        let (files, unreadable) = WorkflowLinter.collectFiles([root + "/", named, "\(root)/missing", root])

        // `root/` and `root` name the same files: each is linted once.
        #expect(
            files == [
                "\(root)/.hidden.yaml", "\(root)/a.yml", "\(root)/a/deeper/y.yaml", "\(root)/b/x.yaml",
                "\(root)/c.yaml/in.yaml", "\(root)/z.yaml", named,
            ])
        #expect(unreadable == [FileError(path: "\(root)/missing", reason: "no such file or folder")])
    }

    /// A name whose last character joins the dot (U+0600 is a prepended mark) still ends in ".yaml"; a name that is
    /// not UTF-8 is reported, not turned into a "no such file".
    @Test func namesAreComparedAsBytes() throws {
        let root = NSTemporaryDirectory() + "collect-names-\(UUID().uuidString)"
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: "\(root)/\u{600}.yaml", contents: Data())
        let bad = Array("\(root)/lead".utf8) + [0xFF] + Array(".yaml".utf8) + [0]
        let descriptor = bad.withUnsafeBufferPointer {
            open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o600)
        }
        #expect(descriptor >= 0)
        close(descriptor)

        let (files, unreadable) = WorkflowLinter.collectFiles([root])
        #expect(files == ["\(root)/\u{600}.yaml"])
        #expect(unreadable.count == 1)
        #expect(unreadable.first?.reason == "name is not valid UTF-8; rename it")
        #expect(WorkflowLinter.fileStem("\(root)/\u{600}.yaml") == "\u{600}")
    }

    /// The expected workflow id is the file name without its extension, cut at the last slash by bytes: a name that
    /// starts with a combining mark keeps it.
    @Test(arguments: [
        ("automation/workflows/lead_intake.yaml", "lead_intake"), ("lead_intake.yml", "lead_intake"),
        ("dir/\u{301}lead_intake.yaml", "\u{301}lead_intake"), ("dir/notes.txt", "notes.txt"), ("dir/.yaml", ""),
    ])
    func theExpectedIDIsTheFileStem(path: String, stem: String) {
        #expect(WorkflowLinter.fileStem(path) == stem)
        #expect(WorkflowLinter.fileStem(path).unicodeScalars.elementsEqual(stem.unicodeScalars))
    }
}
