import Foundation
import RGCore
import Testing

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
        #expect(throws: FileError(path: folder, reason: "is a directory, expected a file")) {
            try BoundedFile.read(folder, limit: 100)
        }
    }
}
