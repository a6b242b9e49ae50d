import Foundation
import Glibc

/// A file that cannot be read (missing, unreadable, too large, not a regular file: bad input) or written (a failed
/// operation: the disk, not the user's input, is at fault).
public struct FileError: RGError, Sendable, Equatable {
    public var path: String
    public var reason: String
    public var category: ExitCategory
    public init(path: String, reason: String, category: ExitCategory = .usage) {
        self.path = path
        self.reason = reason
        self.category = category
    }
    public var description: String { "\(path): \(reason)" }
}

/// A regular file opened for reading, never anything else: a FIFO, device or socket would block the open or the
/// reads (or have side effects), so the path is checked with stat before it is opened, opened without blocking
/// (`O_NONBLOCK`, `O_NOCTTY`), and checked again with fstat on the descriptor actually read.
public final class RegularFile {
    public let path: String
    public let descriptor: Int32
    /// The size fstat gave when the file was opened.
    public let size: Int

    /// `followLinks: false` refuses a symbolic link instead of reading what it points to.
    public init(_ path: String, followLinks: Bool = true) throws(FileError) {
        self.path = path
        var status = stat()
        let found = followLinks ? stat(path, &status) : lstat(path, &status)
        guard found == 0 else {
            let code = errno
            throw FileError(path: path, reason: code == ENOENT || code == ENOTDIR ? "no such file" : Self.reason(code))
        }
        if let kind = Self.nonRegularKind(status.st_mode) { throw Self.refusal(path, kind) }
        let flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (followLinks ? 0 : O_NOFOLLOW)
        let descriptor = open(path, flags)
        guard descriptor >= 0 else {
            let code = errno
            if code == ELOOP && !followLinks { throw Self.refusal(path, "a symbolic link") }
            throw FileError(path: path, reason: code == ENOENT || code == ENOTDIR ? "no such file" : Self.reason(code))
        }
        // Replaced between the stat and the open? The descriptor is what counts.
        guard fstat(descriptor, &status) == 0 else {
            let code = errno
            close(descriptor)
            throw FileError(path: path, reason: Self.reason(code))
        }
        if let kind = Self.nonRegularKind(status.st_mode) {
            close(descriptor)
            throw Self.refusal(path, kind)
        }
        self.descriptor = descriptor
        self.size = Int(status.st_size)
    }

    deinit { close(descriptor) }

    /// Reads into `buffer` from the file position: the byte count, 0 at the end of the file, or -1 with `errno` set.
    func readRetrying(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        while true {
            let got = Glibc.read(descriptor, buffer.baseAddress, buffer.count)
            if got >= 0 || errno != EINTR { return got }
        }
    }

    /// Reads up to `count` bytes at `offset` (without moving the file position); fewer only at the end of the file.
    public func read(at offset: UInt64, count: Int) throws(FileError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset) + off_t(done))
            }
            if got < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, reason: Self.reason(errno))
            }
            if got == 0 { break }
            done += got
        }
        bytes.removeSubrange(done...)
        return bytes
    }

    /// Hands the file to `consumer` in chunks of at most `chunkSize` bytes, from the current position to the end.
    public func chunks(of chunkSize: Int, _ consumer: (ArraySlice<UInt8>) throws -> Void) throws {
        var buffer = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let got = buffer.withUnsafeMutableBytes { readRetrying(into: $0) }
            if got < 0 { throw FileError(path: path, reason: Self.reason(errno)) }
            if got == 0 { return }
            try consumer(buffer[..<got])
        }
    }

    /// What a file of this mode is, when it is not a regular file.
    public static func nonRegularKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        case S_IFLNK: "a symbolic link"
        default: "not a regular file"
        }
    }

    static func refusal(_ path: String, _ kind: String) -> FileError {
        FileError(path: path, reason: "is \(kind), expected a regular file")
    }

    static func reason(_ code: Int32) -> String {
        switch code {
        case EACCES, EPERM: "cannot be read (permission denied)"
        case EISDIR: "is a directory, expected a regular file"
        default: "cannot be read: \(String(cString: strerror(code)))"
        }
    }
}

/// Reads regular files with a size limit, so no input can exhaust memory or hang: one checked open, one fstat,
/// reads into one buffer.
public enum BoundedFile {
    public static func read(_ path: String, limit: Int, followLinks: Bool = true) throws(FileError) -> [UInt8] {
        let file = try RegularFile(path, followLinks: followLinks)
        let tooLarge = FileError(path: path, reason: "larger than the \(limit / 1024) KiB limit for this kind of file")
        if file.size > limit { throw tooLarge }
        // Read up to the size fstat gave (what is appended meanwhile is not read); /proc files report 0, so the
        // size is no guide for them: they are read to their end, at most limit + 1 bytes.
        var buffer = [UInt8](repeating: 0, count: min(max(file.size, 4095), limit) + 1)
        var count = 0
        while true {
            if count == buffer.count {
                guard count <= limit else { throw tooLarge }
                buffer += repeatElement(0, count: min(count, limit + 1 - count))
            }
            let got = buffer.withUnsafeMutableBytes {
                file.readRetrying(into: UnsafeMutableRawBufferPointer(rebasing: $0[count...]))
            }
            if got < 0 { throw FileError(path: path, reason: RegularFile.reason(errno)) }
            if got == 0 { break }
            count += got
            if count > limit { throw tooLarge }
            // A file read to its size is done: one read call instead of a second that returns 0.
            if count == file.size && count > 0 { break }
        }
        buffer.removeSubrange(count...)
        return buffer
    }
}

/// Writes a file by staging it beside the target and renaming it into place, so a crash never leaves half a file.
///
/// The staging file is made by `mkstemp` (a random name, `O_CREAT|O_EXCL`): a link planted at a predictable name can
/// never redirect the write. Its bytes are flushed (`fsync`) before the rename, so a crash after the rename never
/// leaves an empty file. A file that is replaced keeps its permission bits; a new one gets 0666 less the umask.
public enum AtomicFile {
    public static func write(_ bytes: some Collection<UInt8>, to path: String) throws(FileError) {
        let directory = (path as NSString).deletingLastPathComponent
        if !directory.isEmpty {
            do {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            } catch {
                throw FileError(
                    path: path, reason: "cannot be written: \(error.localizedDescription)", category: .failed)
            }
        }
        var template = Array(
            ((directory.isEmpty ? "." : directory) + "/.\((path as NSString).lastPathComponent).rg-crm-XXXXXX")
                .utf8CString)
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else {
            throw FileError(
                path: path, reason: "cannot be written: \(String(cString: strerror(errno)))", category: .failed)
        }
        let staging = String(decoding: template.dropLast().map { UInt8(bitPattern: $0) }, as: UTF8.self)
        func fail(_ what: String) -> FileError {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            unlink(staging)
            return FileError(path: path, reason: "\(what): \(reason)", category: .failed)
        }
        var existing = stat()
        let mode =
            lstat(path, &existing) == 0 && (existing.st_mode & S_IFMT) == S_IFREG
            ? existing.st_mode & 0o7777 : 0o666 & ~currentUmask()
        guard fchmod(descriptor, mode) == 0 else { throw fail("cannot be written") }
        let data = Array(bytes)
        var written = 0
        while written < data.count {
            let count = data[written...].withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count > 0 else { throw fail("cannot be written") }
            written += count
        }
        guard fsync(descriptor) == 0 else { throw fail("cannot be written") }
        close(descriptor)
        guard rename(staging, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(staging)
            throw FileError(path: path, reason: "cannot be replaced: \(reason)", category: .failed)
        }
    }

    /// The process's umask, read without changing it (`umask(2)` can only be read by setting it, which would race
    /// with other threads creating files): Linux reports it in /proc/self/status.
    static func currentUmask() -> mode_t {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Umask:") }),
            let value = mode_t(line.dropFirst("Umask:".count).trimmingCharacters(in: .whitespaces), radix: 8)
        else { return 0o022 }
        return value
    }
}
