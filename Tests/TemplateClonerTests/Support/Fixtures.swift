import Foundation
import RGCore
import TestSupport
import Testing

@testable import TemplateCloner

/// Paths and helpers shared by the tests: the package root, the real data in `../shared`, temporary folders.
enum Fixtures {
    static let packageRoot = TestPaths.packageRoot.path

    static var library: String { packageRoot + "/automation/templates" }
    static var configDirectory: String { packageRoot + "/configs/tenants" }

    static func mrdj() throws -> TenantConfig {
        try ConfigPack.load(slug: try Slug("mrdj"), configDirectory: configDirectory).tenant
    }

    /// A fresh folder under the system's temporary folder; removed by the caller with `defer`.
    static func temporaryFolder() throws -> String {
        let path = NSTemporaryDirectory() + "rg-crm-templates-tests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func read(_ path: String) throws -> String {
        String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self)
    }

    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }

    /// Every file and folder under `root`: relative path → content digest and modification time (ns).
    /// Two equal snapshots mean nothing was written, created or removed. With `folderTimes`, folders' modification
    /// times count too: then even a staging folder created and removed again shows.
    static func snapshot(_ root: String, folderTimes: Bool = false) throws -> [String: String] {
        var result: [String: String] = [:]
        guard let walker = FileManager.default.enumerator(atPath: root) else { return result }
        while let relative = walker.nextObject() as? String {
            let path = root + "/" + relative
            var info = stat()
            guard lstat(path, &info) == 0 else { continue }
            let mtime = "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)"
            if info.st_mode & S_IFMT == S_IFREG {
                result[relative] = Digest.sha256Hex(try bytes(path)) + "@" + mtime
            } else {
                result[relative] = folderTimes ? "folder@" + mtime : "folder"
            }
        }
        if folderTimes {
            var info = stat()
            if stat(root, &info) == 0 { result["."] = "folder@\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec)" }
        }
        return result
    }

    /// The mrdj library as a bundle, cloned the way `rg-crm templates clone` does by default.
    static func libraryBundle() throws -> FolderBundle {
        try FolderBundle(roots: [.init(path: library, prefix: "templates")], label: "automation")
    }

    /// All `{{…}}` spans of a text that are not ours (runtime placeholders), in order.
    static func runtimePlaceholders(_ text: String) -> [String] {
        var found: [String] = []
        var rest = Substring(text)
        while let open = rest.range(of: "{{") {
            guard let close = rest[open.upperBound...].range(of: "}}") else { break }
            let inner = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            if !inner.hasPrefix("brand.") && !inner.hasPrefix("tenant.") {
                found.append(String(rest[open.lowerBound..<close.upperBound]))
            }
            rest = rest[close.upperBound...]
        }
        return found
    }
}

/// Builds ZIP archives byte by byte, so a test can write what no well-behaved ZIP writer would: `../` names,
/// symlink and FIFO modes, lying sizes, and a real deflate stream that expands to a gigabyte.
struct ZipFixture {
    struct Entry {
        var name: [UInt8]
        var data: [UInt8]
        /// 0 stored, 8 deflate (then `data` is a raw deflate stream).
        var method: UInt16 = 0
        /// Unix mode for the external attributes (0o100644 a file, 0o120777 a symlink, 0o010644 a FIFO).
        var mode: UInt32 = 0o100644
        /// What the headers claim; nil means the true size of `data` (stored) .
        var declaredSize: UInt32? = nil
        var crc: UInt32? = nil

        init(_ name: String, _ data: [UInt8], mode: UInt32 = 0o100644) {
            self.name = Array(name.utf8)
            self.data = data
            self.mode = mode
        }

        init(rawName: [UInt8], _ data: [UInt8]) {
            self.name = rawName
            self.data = data
        }
    }

    var entries: [Entry]

    func write(to path: String) throws {
        var file: [UInt8] = []
        var central: [UInt8] = []
        for entry in entries {
            let offset = UInt32(file.count)
            let size = entry.declaredSize ?? UInt32(entry.data.count)
            let crc = entry.crc ?? (entry.method == 0 ? Self.crc32(entry.data) : 0)
            var local: [UInt8] = []
            local += le32(0x0403_4B50) + le16(20) + le16(0x0800) + le16(entry.method) + le16(0) + le16(0x21)
            local += le32(crc) + le32(UInt32(entry.data.count)) + le32(size)
            local += le16(UInt16(entry.name.count)) + le16(0) + entry.name
            file += local + entry.data
            central +=
                le32(0x0201_4B50) + le16(0x031E) + le16(20) + le16(0x0800) + le16(entry.method) + le16(0) + le16(0x21)
            central += le32(crc) + le32(UInt32(entry.data.count)) + le32(size)
            central += le16(UInt16(entry.name.count)) + le16(0) + le16(0) + le16(0) + le16(0)
            central += le32(entry.mode << 16) + le32(offset) + entry.name
        }
        let centralOffset = UInt32(file.count)
        file += central
        file += le32(0x0605_4B50) + le16(0) + le16(0) + le16(UInt16(entries.count)) + le16(UInt16(entries.count))
        file += le32(UInt32(central.count)) + le32(centralOffset) + le16(0)
        try Data(file).write(to: URL(fileURLWithPath: path))
    }

    private func le16(_ value: UInt16) -> [UInt8] { [UInt8(value & 0xFF), UInt8(value >> 8)] }
    private func le32(_ value: UInt32) -> [UInt8] { le16(UInt16(value & 0xFFFF)) + le16(UInt16(value >> 16)) }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = (crc >> 1) ^ (0xEDB8_8320 & (0 &- (crc & 1))) }
        }
        return ~crc
    }

    /// A raw deflate stream that inflates to `1 + groups × 8 × 258` zero bytes: one literal zero, then copies of
    /// length 258 at distance 1 in a fixed-Huffman block. Thirteen bits per 258 bytes, and after the first two
    /// bytes the stream repeats every 13 bytes, so a gigabyte costs about 6.5 MB and no compression run.
    static func zeroBomb(groups: Int) -> [UInt8] {
        var writer = BitWriter()
        writer.bits(1, count: 1)  // BFINAL
        writer.bits(1, count: 2)  // BTYPE = fixed Huffman
        writer.huffman(0b0011_0000, count: 8)  // literal 0
        for _ in 0..<16 {
            writer.huffman(0b1100_0101, count: 8)  // length 258
            writer.huffman(0, count: 5)  // distance 1
        }
        writer.huffman(0, count: 7)  // end of block
        let small = writer.finish()
        var stream = Array(small[0..<2])
        stream.reserveCapacity(2 + 13 * groups + small.count)
        let period = Array(small[2..<15])
        for _ in 0..<(groups - 1) { stream += period }
        stream += small[15...]
        return stream
    }

    struct BitWriter {
        var output: [UInt8] = []
        var accumulator: UInt8 = 0
        var used = 0
        mutating func bits(_ value: UInt32, count: Int) {
            for index in 0..<count {
                accumulator |= UInt8((value >> UInt32(index)) & 1) << UInt8(used)
                used += 1
                if used == 8 {
                    output.append(accumulator)
                    accumulator = 0
                    used = 0
                }
            }
        }
        mutating func huffman(_ code: UInt32, count: Int) {
            for index in stride(from: count - 1, through: 0, by: -1) { bits((code >> UInt32(index)) & 1, count: 1) }
        }
        mutating func finish() -> [UInt8] {
            if used > 0 { output.append(accumulator) }
            return output
        }
    }
}
