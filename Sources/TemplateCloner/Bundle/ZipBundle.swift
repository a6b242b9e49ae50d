import Foundation
import RGCore
import ZIPFoundation

/// A ZIP bundle. The central directory is read twice: by our own scan for the raw facts a safe extraction needs
/// (name bytes, Unix file type) and by ZIPFoundation, which then streams each entry's data. Every entry is checked
/// before the first byte is written; sizes are checked again on the bytes actually inflated.
public final class ZipBundle: TemplateBundle {
    public let label: String
    public let entries: [BundleEntry]
    private let archive: Archive
    private let archiveEntries: [Entry]
    public static let chunkSize = 64 << 10

    public init(path: String, limits: BundleLimits = .standard) throws {
        label = path
        let file: RegularFile
        do { file = try RegularFile(path) } catch {
            throw TemplateClonerError.unreadableBundle(path: path, reason: error.reason)
        }
        let records = try CentralDirectory.scan(file, limits: limits)
        let archive: Archive
        do {
            // ZIPFoundation opens the archive by path with a blocking fopen: it is given the file already opened
            // and checked, through /proc (the same inode, whatever has been put at `path` since).
            let opened = "/proc/self/fd/\(file.descriptor)"
            let url = URL(fileURLWithPath: FileManager.default.fileExists(atPath: opened) ? opened : path)
            archive = try Archive(url: url, accessMode: .read)
        } catch {
            throw TemplateClonerError.unreadableBundle(path: path, reason: "not a readable ZIP archive (\(error))")
        }
        let archiveEntries = Array(archive)
        guard archiveEntries.count == records.count else {
            throw TemplateClonerError.unreadableBundle(
                path: path,
                reason: "the central directory lists \(records.count) entries but \(archiveEntries.count) could be read"
            )
        }
        var entries: [BundleEntry] = []
        var total: UInt64 = 0
        for (index, (record, entry)) in zip(records, archiveEntries).enumerated() {
            let name = entry.path
            let shown = name.isEmpty ? String(decoding: record.name, as: UTF8.self) : name
            if let problem = EntryPolicy.problem(withName: name, rawName: record.name) {
                throw TemplateClonerError.unsafeEntry(bundle: path, entry: shown, reason: problem)
            }
            switch record.fileType {
            case .directory:
                continue
            case .symlink:
                throw TemplateClonerError.unsafeEntry(
                    bundle: path, entry: shown, reason: "it is a symbolic link (links are never extracted)")
            case .special:
                throw TemplateClonerError.unsafeEntry(
                    bundle: path, entry: shown, reason: "it is a device, FIFO, socket or link entry, not a plain file")
            case .file:
                break
            }
            if entry.type != .file {
                throw TemplateClonerError.unsafeEntry(bundle: path, entry: shown, reason: "it is not a plain file")
            }
            let declared = max(entry.uncompressedSize, UInt64(record.uncompressedSize))
            let compressed = entry.compressedSize
            if let problem = limits.entryProblem(bytes: declared, compressed: entry.isCompressed ? compressed : nil) {
                throw TemplateClonerError.unsafeEntry(bundle: path, entry: shown, reason: problem)
            }
            total = total &+ declared
            if total > limits.maximumTotalBytes {
                throw TemplateClonerError.unsafeEntry(
                    bundle: path, entry: shown,
                    reason:
                        "the bundle expands past the \(BundleLimits.size(limits.maximumTotalBytes)) limit for a whole bundle"
                )
            }
            entries.append(
                BundleEntry(
                    path: name, declaredSize: declared, compressedSize: entry.isCompressed ? compressed : nil,
                    location: .zipEntry(index)))
        }
        if let collision = EntryPolicy.collision(in: entries.map(\.path)) {
            throw TemplateClonerError.unsafeEntry(bundle: path, entry: collision.entry, reason: collision.reason)
        }
        self.archive = archive
        self.archiveEntries = archiveEntries
        self.entries = entries
    }

    public func read(_ entry: BundleEntry, consumer: (ArraySlice<UInt8>) throws -> Void) throws {
        guard case .zipEntry(let index) = entry.location else { return }
        do {
            _ = try archive.extract(archiveEntries[index], bufferSize: Self.chunkSize, skipCRC32: false) { data in
                try consumer(ArraySlice(data))
            }
        } catch let error as TemplateClonerError {
            throw error
        } catch {
            throw TemplateClonerError.unsafeEntry(
                bundle: label, entry: entry.path, reason: "its data cannot be read (\(error))")
        }
    }
}

/// Our own reading of a ZIP's central directory: raw names and Unix file types, which ZIPFoundation decodes
/// or folds away (it reports a FIFO or device as a plain file).
enum CentralDirectory {
    enum FileType: Equatable {
        case file, directory, symlink, special
    }

    struct Record {
        var name: [UInt8]
        var fileType: FileType
        var uncompressedSize: UInt32
    }

    static func scan(_ file: RegularFile, limits: BundleLimits) throws -> [Record] {
        let path = file.path
        func fail(_ reason: String) -> TemplateClonerError { .unreadableBundle(path: path, reason: reason) }
        func read(at offset: UInt64, count: Int) throws -> [UInt8] {
            do { return try file.read(at: offset, count: count) } catch { throw fail(error.reason) }
        }
        let size = UInt64(file.size)
        guard size >= 22 else { throw fail("too short to be a ZIP archive") }
        let tailLength = Int(min(size, 22 + 65_535))
        let tail = try read(at: size - UInt64(tailLength), count: tailLength)
        guard
            let endIndex = stride(from: tail.count - 22, through: 0, by: -1).first(where: {
                tail.uint32(at: $0) == 0x0605_4B50
            })
        else { throw fail("no ZIP end-of-central-directory record (not a ZIP archive?)") }
        var entryCount = UInt64(tail.uint16(at: endIndex + 10))
        var directorySize = UInt64(tail.uint32(at: endIndex + 12))
        var directoryOffset = UInt64(tail.uint32(at: endIndex + 16))
        if entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF {
            // ZIP64: the locator sits just before the classic record.
            let locatorIndex = endIndex - 20
            guard locatorIndex >= 0, tail.uint32(at: locatorIndex) == 0x0706_4B50 else {
                throw fail("a ZIP64 archive without its locator")
            }
            let recordOffset = tail.uint64(at: locatorIndex + 8)
            guard recordOffset < size else { throw fail("a ZIP64 locator points outside the file") }
            let record = try read(at: recordOffset, count: 56)
            guard record.count == 56, record.uint32(at: 0) == 0x0606_4B50 else {
                throw fail("a damaged ZIP64 end record")
            }
            entryCount = record.uint64(at: 32)
            directorySize = record.uint64(at: 40)
            directoryOffset = record.uint64(at: 48)
        }
        guard entryCount <= UInt64(limits.maximumEntries) else {
            throw fail("it has \(entryCount) entries, over the limit of \(limits.maximumEntries)")
        }
        guard directoryOffset <= size, directorySize <= size - directoryOffset, directorySize <= 256 << 20 else {
            throw fail("its central directory lies outside the file")
        }
        let directory = try read(at: directoryOffset, count: Int(directorySize))
        var records: [Record] = []
        var index = 0
        while index + 46 <= directory.count, directory.uint32(at: index) == 0x0201_4B50 {
            let madeBy = directory.uint16(at: index + 4) >> 8
            let uncompressed = directory.uint32(at: index + 24)
            let nameLength = Int(directory.uint16(at: index + 28))
            let extraLength = Int(directory.uint16(at: index + 30))
            let commentLength = Int(directory.uint16(at: index + 32))
            let external = directory.uint32(at: index + 38)
            guard index + 46 + nameLength <= directory.count else { throw fail("a damaged central directory entry") }
            let name = Array(directory[(index + 46)..<(index + 46 + nameLength)])
            var fileType: FileType = name.last == UInt8(ascii: "/") ? .directory : .file
            if madeBy == 3 || madeBy == 19 {  // Unix, macOS: the mode sits in the high 16 bits.
                switch (external >> 16) & 0o170000 {
                case 0o100000: fileType = .file
                case 0o040000: fileType = .directory
                case 0o120000: fileType = .symlink
                case 0: break
                default: fileType = .special
                }
            }
            records.append(Record(name: name, fileType: fileType, uncompressedSize: uncompressed))
            index += 46 + nameLength + extraLength + commentLength
            guard records.count <= limits.maximumEntries else {
                throw fail("it has more than \(limits.maximumEntries) entries")
            }
        }
        guard UInt64(records.count) == entryCount || entryCount == 0xFFFF else {
            throw fail(
                "its end record announces \(entryCount) entries but the central directory holds \(records.count)")
        }
        return records
    }
}

extension Array where Element == UInt8 {
    func uint16(at index: Int) -> UInt16 { UInt16(self[index]) | UInt16(self[index + 1]) << 8 }
    func uint32(at index: Int) -> UInt32 { UInt32(uint16(at: index)) | UInt32(uint16(at: index + 2)) << 16 }
    func uint64(at index: Int) -> UInt64 { UInt64(uint32(at: index)) | UInt64(uint32(at: index + 4)) << 32 }
}
