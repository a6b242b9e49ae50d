import Foundation
import TestSupport
import Testing

/// Issue 15, point 13: a clone killed mid-way leaves its staging folder; the next clone removes it.
@Suite struct KilledCloneTests {
    @Test func theNextCloneRemovesTheStagingOfAKilledOne() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bundle = folder + "/bundle"
        for index in 0..<3000 {
            try Fixtures.write(
                "<p>{{tenant.name}} \(index)</p>\n" + String(repeating: "x", count: 4000),
                to: bundle + "/t\(index / 100)/\(index).html")
        }
        let arguments = ["templates", "clone", "--tenant", "mrdj", "--from", bundle, "--to", folder + "/out"]
        func staging() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix(".out.rg-crm-staging-") }
        }
        let running = try RGCRMProcess.start(arguments, directory: TestPaths.packageRoot.path)
        let deadline = Date().addingTimeInterval(60)
        while try staging().isEmpty && Date() < deadline { usleep(2000) }
        running.kill()
        let killed = running.wait(timeout: 30)
        #expect(killed?.status == SIGKILL, "the clone ended before it could be killed: \(killed?.stdout ?? "")")
        let left = try staging()
        #expect(left.count == 1)
        #expect(!FileManager.default.fileExists(atPath: folder + "/out"))

        let again = try #require(
            try RGCRMProcess.start(arguments, directory: TestPaths.packageRoot.path).wait(timeout: 120))
        #expect(again.status == 0, "\(again.stderr)")
        #expect(try staging() == [])
        #expect(again.stdout.hasSuffix("Done: 3000 created, 0 updated, 0 deleted, 0 conflicts, 0 unchanged.\n"))
    }
}
