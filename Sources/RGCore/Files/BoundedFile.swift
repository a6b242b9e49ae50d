import Foundation
import Glibc

public struct FileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "\(path): \(reason)" }
}

/// Reads files with a size limit, so no input can exhaust memory: one open, one fstat, reads into one buffer.
public enum BoundedFile {
    public static func read(_ path: String, limit: Int) throws(FileError) -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            throw FileError(path: path, reason: code == ENOENT || code == ENOTDIR ? "no such file" : reason(code))
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw FileError(path: path, reason: reason(errno)) }
        guard status.st_mode & S_IFMT != S_IFDIR else {
            throw FileError(path: path, reason: "is a directory, expected a file")
        }
        let tooLarge = FileError(path: path, reason: "larger than the \(limit / 1024) KiB limit for this kind of file")
        let size = Int(status.st_size)
        if status.st_mode & S_IFMT == S_IFREG && size > limit { throw tooLarge }
        // A regular file is read up to the size fstat gave (what is appended meanwhile is not read); for pipes and
        // /proc files, which report 0, the size is no guide: they are read to their end, at most limit + 1 bytes.
        var buffer = [UInt8](repeating: 0, count: min(max(size, 4095), limit) + 1)
        var count = 0
        while true {
            if count == buffer.count {
                guard count <= limit else { throw tooLarge }
                buffer += repeatElement(0, count: min(count, limit + 1 - count))
            }
            let got = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + count, $0.count - count) }
            if got < 0 {
                if errno == EINTR { continue }
                throw FileError(path: path, reason: reason(errno))
            }
            if got == 0 { break }
            count += got
            if count > limit { throw tooLarge }
            // A regular file read to its size is done: one read call instead of a second that returns 0.
            if status.st_mode & S_IFMT == S_IFREG && count == Int(status.st_size) && count > 0 { break }
        }
        buffer.removeSubrange(count...)
        return buffer
    }

    private static func reason(_ code: Int32) -> String {
        switch code {
        case EACCES, EPERM: "cannot be read (permission denied)"
        case EISDIR: "is a directory, expected a file"
        default: "cannot be read: \(String(cString: strerror(code)))"
        }
    }
}

/// Writes a file by staging it beside the target and renaming it into place, so a crash never leaves half a file.
public enum AtomicFile {
    public static func write(_ bytes: some Collection<UInt8>, to path: String) throws(FileError) {
        let directory = (path as NSString).deletingLastPathComponent
        let staging = (directory.isEmpty ? "." : directory) + "/.\((path as NSString).lastPathComponent).rg-crm-\(getpid()).tmp"
        do {
            if !directory.isEmpty { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) }
            try Data(bytes).write(to: URL(fileURLWithPath: staging), options: [])
            guard rename(staging, path) == 0 else {
                let reason = String(cString: strerror(errno))
                unlink(staging)
                throw FileError(path: path, reason: "cannot be replaced: \(reason)")
            }
        } catch let error as FileError {
            throw error
        } catch {
            unlink(staging)
            throw FileError(path: path, reason: "cannot be written: \(error.localizedDescription)")
        }
    }
}
