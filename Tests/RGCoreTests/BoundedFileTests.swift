import Foundation
import Testing

@testable import RGCore

/// BoundedFile.read: the whole file, never more than its limit, and one clear reason when it cannot be read.
@Suite struct BoundedFileTests {
    let folder: String

    init() throws {
        folder = NSTemporaryDirectory() + "bounded-file-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = "\(folder)/\(name)"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    @Test(arguments: [0, 1, 4095, 4096, 4097, 100_000])
    func readsTheWholeFile(size: Int) throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
        let path = try write("file", bytes)
        #expect(try BoundedFile.read(path, limit: 1 << 20) == bytes)
    }

    @Test func aFileOfExactlyTheLimitIsReadOneByteMoreIsRefused() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let limit = 10_000
        let exact = try write("exact", [UInt8](repeating: 0x41, count: limit))
        let over = try write("over", [UInt8](repeating: 0x41, count: limit + 1))
        #expect(try BoundedFile.read(exact, limit: limit).count == limit)
        #expect(throws: FileError(path: over, reason: "larger than the 9 KiB limit for this kind of file")) {
            try BoundedFile.read(over, limit: limit)
        }
    }

    /// A sparse file that claims the largest size there is: refused by its size, before any buffer is made.
    @Test func aHugeSparseFileIsRefusedByItsSize() throws {
        let shm = "/dev/shm"
        let base = FileManager.default.fileExists(atPath: shm) ? shm : folder
        let path = "\(base)/sparse-\(UUID().uuidString).yaml"
        defer {
            unlink(path)
            try? FileManager.default.removeItem(atPath: folder)
        }
        let descriptor = open(path, O_CREAT | O_WRONLY, 0o600)
        #expect(descriptor >= 0)
        // tmpfs takes the largest off_t; a disk file system takes at least 2 GiB.
        if ftruncate(descriptor, off_t.max) != 0 { #expect(ftruncate(descriptor, 2 << 30) == 0) }
        close(descriptor)
        #expect(throws: FileError(path: path, reason: "larger than the 4096 KiB limit for this kind of file")) {
            try BoundedFile.read(path, limit: 4 << 20)
        }
    }

    /// /proc files report size 0: the size is a hint, the content is read to its end.
    @Test func aFileWhoseSizeIsUnknownIsReadToItsEnd() throws {
        let status = try BoundedFile.read("/proc/self/status", limit: 1 << 20)
        #expect(String(decoding: status, as: UTF8.self).contains("Pid:"))
        #expect(throws: FileError.self) { try BoundedFile.read("/proc/self/status", limit: 16) }
    }

    @Test func missingFilesAndFoldersAreNamed() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        #expect(throws: FileError(path: "\(folder)/nope", reason: "no such file")) {
            try BoundedFile.read("\(folder)/nope", limit: 100)
        }
        #expect(throws: FileError(path: "\(folder)/nope/deeper", reason: "no such file")) {
            try BoundedFile.read("\(folder)/nope/deeper", limit: 100)
        }
        #expect(throws: FileError(path: folder, reason: "is a directory, expected a regular file")) {
            try BoundedFile.read(folder, limit: 100)
        }
    }

    /// Reads `path` on another thread; a read still blocked after 10 s fails the test (and is unblocked by opening
    /// the FIFO for writing), so a regression fails instead of hanging the suite.
    func readWithWatchdog(_ path: String, followLinks: Bool = true) -> Result<[UInt8], FileError>? {
        nonisolated(unsafe) var outcome: Result<[UInt8], FileError>?
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            do throws(FileError) {
                outcome = .success(try BoundedFile.read(path, limit: 1 << 20, followLinks: followLinks))
            } catch {
                outcome = .failure(error)
            }
            done.signal()
        }
        guard done.wait(timeout: .now() + 10) == .success else {
            Issue.record("reading \(path) blocked for 10 s")
            let writer = open(path, O_WRONLY | O_NONBLOCK)
            if writer >= 0 { close(writer) }
            _ = done.wait(timeout: .now() + 5)
            return nil
        }
        return outcome
    }

    /// Anything but a regular file is refused before a blocking open or read: FIFOs (also through a link),
    /// devices, sockets, folders.
    @Test func everythingButARegularFileIsRefusedWithoutBlocking() throws {
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fifo = "\(folder)/f.yaml"
        #expect(mkfifo(fifo, 0o600) == 0)
        let link = "\(folder)/link.yaml"
        #expect(symlink(fifo, link) == 0)
        let socketPath = "\(folder)/s.yaml"
        let socketDescriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketDescriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in socketPath.utf8.enumerated() { raw[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        #expect(bound == 0)
        let expected: [(String, String)] = [
            (fifo, "is a FIFO (named pipe), expected a regular file"),
            (link, "is a FIFO (named pipe), expected a regular file"),
            ("/dev/zero", "is a character device, expected a regular file"),
            ("/dev/null", "is a character device, expected a regular file"),
            (socketPath, "is a socket, expected a regular file"),
            (folder, "is a directory, expected a regular file"),
        ]
        for (path, reason) in expected {
            #expect(readWithWatchdog(path) == .failure(FileError(path: path, reason: reason)))
        }
        let file = try write("plain.yaml", Array("a: 1\n".utf8))
        let fileLink = "\(folder)/plain-link.yaml"
        #expect(symlink(file, fileLink) == 0)
        #expect(readWithWatchdog(fileLink) == .success(Array("a: 1\n".utf8)))
        #expect(
            readWithWatchdog(fileLink, followLinks: false)
                == .failure(FileError(path: fileLink, reason: "is a symbolic link, expected a regular file")))
    }

    /// A file that cannot be read is bad input (2); one that cannot be written is a failed operation (1).
    @Test func aWriteFailureIsAFailedOperationAndAReadFailureBadInput() {
        let written = #expect(throws: FileError.self) {
            try AtomicFile.write(Array("x".utf8), to: "/proc/rg-crm-cannot-write")
        }
        #expect(written?.category == .failed)
        #expect(written.map { ExitStatus($0) } == .failed)
        let read = #expect(throws: FileError.self) { try BoundedFile.read("/nonexistent/rg-crm", limit: 10) }
        #expect(read?.category == .usage)
    }

    /// The staging file has a random name made with O_EXCL: links planted at every name the old code would have
    /// used (`.NAME.rg-crm-PID.tmp`) redirect nothing, and the victim keeps its bytes.
    @Test func aPlantedLinkNeverRedirectsTheWrite() throws {
        let victim = folder + "/victim.txt"
        try Data("precious".utf8).write(to: URL(fileURLWithPath: victim))
        for pid in [getpid()] + (1...300).map(Int32.init) {
            _ = symlink(victim, folder + "/.out.html.rg-crm-\(pid).tmp")
        }
        try AtomicFile.write(Array("report".utf8), to: folder + "/out.html")
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "precious")
        #expect(try String(contentsOfFile: folder + "/out.html", encoding: .utf8) == "report")
        var status = stat()
        #expect(lstat(folder + "/out.html", &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG)
        // No staging file is left behind.
        let left = try FileManager.default.contentsOfDirectory(atPath: folder).filter {
            $0.hasPrefix(".out.html.rg-crm-") && !$0.hasSuffix(".tmp")
        }
        #expect(left.isEmpty, "\(left)")
    }

    @Test func aReplacedFileKeepsItsModeAndANewOneGetsTheUmasks() throws {
        let secret = folder + "/secret"
        try Data("old".utf8).write(to: URL(fileURLWithPath: secret))
        chmod(secret, 0o600)
        try AtomicFile.write(Array("new".utf8), to: secret)
        var status = stat()
        #expect(stat(secret, &status) == 0 && status.st_mode & 0o777 == 0o600)
        try AtomicFile.write(Array("fresh".utf8), to: folder + "/fresh")
        #expect(stat(folder + "/fresh", &status) == 0 && status.st_mode & 0o777 == 0o666 & ~AtomicFile.currentUmask())
        #expect(
            AtomicFile.currentUmask()
                == {
                    let mask = umask(0o022)
                    umask(mask)
                    return mask
                }())
    }
}
