import Foundation

public struct FileError: Error, Sendable, CustomStringConvertible {
    public var path: String
    public var reason: String
    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }
    public var description: String { "\(path): \(reason)" }
}

/// Reads files with a size limit, so no input can exhaust memory.
public enum BoundedFile {
    public static func read(_ path: String, limit: Int) throws(FileError) -> [UInt8] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw FileError(path: path, reason: "no such file")
        }
        guard !isDirectory.boolValue else { throw FileError(path: path, reason: "is a directory, expected a file") }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw FileError(path: path, reason: "cannot be read (permission denied?)")
        }
        defer { try? handle.close() }
        do {
            let data = try handle.read(upToCount: limit + 1) ?? Data()
            if data.count > limit {
                throw FileError(path: path, reason: "larger than the \(limit / 1024) KiB limit for this kind of file")
            }
            return [UInt8](data)
        } catch let error as FileError {
            throw error
        } catch {
            throw FileError(path: path, reason: "cannot be read: \(error.localizedDescription)")
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
