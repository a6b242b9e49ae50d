import Foundation
import RGCore
import TestSupport
import Testing

@testable import TemplateCloner

/// What a clone does with a target it should not write through (issue 15, points 3 and 13): links, FIFOs and other
/// non-files are refused before anything is written, with or without --force; stale staging folders of killed
/// clones are removed, live ones are not.
@Suite struct TargetSafetyTests {
    func clone(_ target: String, force: Bool = false, name: String? = nil) throws -> CloneReport {
        var tenant = try Fixtures.mrdj()
        if let name { tenant.name = name }
        return try TemplateCloner.clone(
            try Fixtures.libraryBundle(), values: try TokenValues(tenant: tenant), tenant: "mrdj",
            options: CloneOptions(target: target, force: force))
    }

    /// Runs `body` on another thread; still running after 10 s fails the test (the FIFO is then opened for
    /// writing to release a reader blocked on it), so a regression fails instead of hanging the suite.
    func withWatchdog(fifo: String, _ body: @escaping @Sendable () throws -> Void) -> (any Error)? {
        nonisolated(unsafe) var failure: (any Error)?
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            do { try body() } catch { failure = error }
            done.signal()
        }
        guard done.wait(timeout: .now() + 10) == .success else {
            Issue.record("blocked on \(fifo) for 10 s")
            for _ in 0..<50 {
                let writer = open(fifo, O_WRONLY | O_NONBLOCK)
                if writer >= 0 { close(writer) }
                if done.wait(timeout: .now() + 0.1) == .success { break }
            }
            return nil
        }
        return failure
    }

    @Test(arguments: ["link", "fifo", "folder"])
    func aNonFileWhereATemplateGoesIsRefusedEvenWithForce(kind: String) throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/automation"
        _ = try clone(target)
        let outside = folder + "/outside.txt"
        try Fixtures.write("geheim\n", to: outside)
        let planted = target + "/templates/sms/payment_reminder.txt"
        try FileManager.default.removeItem(atPath: planted)
        switch kind {
        case "link": #expect(symlink(outside, planted) == 0)
        case "fifo": #expect(mkfifo(planted, 0o600) == 0)
        default: try FileManager.default.createDirectory(atPath: planted, withIntermediateDirectories: false)
        }
        let before = try Fixtures.snapshot(folder)
        let what = ["link": "a symbolic link", "fifo": "a FIFO (named pipe)", "folder": "a directory"][kind]!
        for force in [true, false] {
            let failure = withWatchdog(fifo: planted) { _ = try clone(target, force: force, name: "Mr. DJ Events") }
            #expect(
                failure as? TemplateClonerError
                    == .unsafeTarget(
                        path: planted, reason: "is \(what), not a file rg-crm wrote; remove it or clone elsewhere"))
            #expect(try Fixtures.snapshot(folder) == before)
        }
        #expect(try Fixtures.read(outside) == "geheim\n")
    }

    @Test func aTargetThatIsALinkIsRefusedBeforeAnythingIsWritten() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let real = folder + "/real"
        try FileManager.default.createDirectory(atPath: real, withIntermediateDirectories: false)
        #expect(symlink(real, folder + "/automation") == 0)
        #expect(
            throws: TemplateClonerError.unsafeTarget(
                path: folder + "/automation",
                reason: "is a symbolic link; name the folder it points to (\(real)) with --to, or remove the link")
        ) {
            try clone(folder + "/automation", force: true)
        }
        #expect(throws: TemplateClonerError.self) { try clone(folder + "/automation//", force: true) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: real) == [])
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).sorted() == ["automation", "real"])
    }

    @Test func aManifestThatIsAFIFOIsRefusedNotWaitedFor() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let target = folder + "/automation"
        _ = try clone(target)
        let manifest = target + "/" + CloneManifest.fileName
        unlink(manifest)
        #expect(mkfifo(manifest, 0o600) == 0)
        let failure = withWatchdog(fifo: manifest) { _ = try clone(target) }
        #expect(
            failure as? TemplateClonerError
                == .unsafeTarget(path: manifest, reason: "is a FIFO (named pipe), expected a regular file"))
    }

    /// A pid that no process has: one that has exited.
    func deadPID() throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/true")
        try process.run()
        process.waitUntilExit()
        return process.processIdentifier
    }

    func makeStaging(_ folder: String, pid: Int32, suffix: String) throws -> String {
        let path = folder + "/.automation.rg-crm-staging-\(pid)-\(suffix)"
        try Fixtures.write("half a file", to: path + "/content/templates/x.md")
        return path
    }

    @Test func staleStagingOfDeadClonesIsRemovedAndLiveStagingIsKept() throws {
        let folder = try Fixtures.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let dead = try makeStaging(folder, pid: try deadPID(), suffix: "dead0001")
        // A live clone: it holds the flock on its staging folder.
        let live = try makeStaging(folder, pid: getpid(), suffix: "live0001")
        let lock = open(live, O_RDONLY | O_DIRECTORY)
        defer { close(lock) }
        #expect(flock(lock, LOCK_EX | LOCK_NB) == 0)
        // Not locked, pid alive: a clone between making its folder and locking it, or a recycled pid. Kept while
        // young; once old, the pid must have been recycled: removed.
        let young = try makeStaging(folder, pid: getpid(), suffix: "young001")
        let old = try makeStaging(folder, pid: getpid(), suffix: "old00001")
        var times = [timespec(tv_sec: time(nil) - 3600, tv_nsec: 0), timespec(tv_sec: time(nil) - 3600, tv_nsec: 0)]
        #expect(utimensat(AT_FDCWD, old, &times, 0) == 0)
        // Another target's staging is not this clone's business.
        let other = folder + "/.other.rg-crm-staging-\(try deadPID())-dead0002"
        try Fixtures.write("x", to: other + "/content/x")

        _ = try clone(folder + "/automation")
        #expect(!FileManager.default.fileExists(atPath: dead))
        #expect(!FileManager.default.fileExists(atPath: old))
        #expect(FileManager.default.fileExists(atPath: live + "/content/templates/x.md"))
        #expect(FileManager.default.fileExists(atPath: young + "/content/templates/x.md"))
        #expect(FileManager.default.fileExists(atPath: other))
        // A dry run writes nothing, not even a removal.
        let again = try makeStaging(folder, pid: try deadPID(), suffix: "dead0003")
        _ = try TemplateCloner.clone(
            try Fixtures.libraryBundle(), values: try TokenValues(tenant: Fixtures.mrdj()), tenant: "mrdj",
            options: CloneOptions(target: folder + "/automation", dryRun: true))
        #expect(FileManager.default.fileExists(atPath: again))
    }
}
