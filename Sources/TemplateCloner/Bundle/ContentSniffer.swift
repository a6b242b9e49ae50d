import Foundation

/// Tells binary files (copied byte for byte) from text (rendered) by their content, not only their name:
/// a known file signature or a NUL byte anywhere makes a file binary, and so does content that is not UTF-8.
public enum ContentSniffer {
    /// How many leading bytes decide (git's heuristic looks at the first 8000).
    public static let sniffLength = 8000

    /// Extensions that are never rendered, whatever their content looks like.
    static let binaryExtensions: Set<String> = [
        "png", "jpg", "jpeg", "gif", "webp", "ico", "bmp", "tif", "tiff", "avif", "heic", "pdf", "woff", "woff2", "ttf",
        "otf", "eot", "zip", "gz", "tgz", "bz2", "xz", "7z", "mp3", "mp4", "m4a", "mov", "wav", "ogg", "webm", "psd",
        "ai", "eps", "docx", "xlsx", "pptx", "odt", "sketch", "fig",
    ]

    /// File signatures: images, PDF, fonts, archives.
    static let signatures: [[UInt8]] = [
        [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A],  // PNG
        [0xFF, 0xD8, 0xFF],  // JPEG
        Array("GIF87a".utf8), Array("GIF89a".utf8),
        Array("%PDF-".utf8),
        Array("wOFF".utf8), Array("wOF2".utf8),  // WOFF, WOFF2
        [0x00, 0x01, 0x00, 0x00], Array("OTTO".utf8), Array("ttcf".utf8),  // TrueType, OpenType
        [0x50, 0x4B, 0x03, 0x04], [0x1F, 0x8B], Array("BZh".utf8), [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00],
        [0x00, 0x00, 0x01, 0x00],  // ICO
        Array("BM".utf8),  // BMP (only with a binary extension or other signs; see below)
    ]

    /// Whether the leading bytes (or the name) show a binary file. Text still has to be valid UTF-8 as a whole.
    public static func looksBinary(prefix: some Collection<UInt8>, path: String) -> Bool {
        if let fileExtension = fileExtension(path), binaryExtensions.contains(fileExtension) { return true }
        let head = Array(prefix.prefix(sniffLength))
        if head.count >= 12, head.starts(with: Array("RIFF".utf8)) { return true }  // WEBP, WAV, AVI
        if head.count >= 12, head[4..<8].elementsEqual("ftyp".utf8) { return true }  // MP4, HEIC, AVIF
        for signature in signatures where !signature.elementsEqual("BM".utf8) && head.starts(with: signature) {
            return true
        }
        return head.contains(0)
    }

    /// The lowercased text after the last `.` of the path's last component (by bytes, as the file system names it),
    /// or nil when it has no dot.
    static func fileExtension(_ path: String) -> String? {
        let name = path.utf8.split(separator: UInt8(ascii: "/")).last ?? path.utf8[...]
        guard let dot = name.lastIndex(of: UInt8(ascii: ".")) else { return nil }
        return String(Substring(name[name.index(after: dot)...])).lowercased()
    }

    /// Text means UTF-8 throughout (a BOM is fine); anything else is copied as it is.
    public static func isUTF8(_ bytes: [UInt8]) -> Bool {
        // Decoding repairs bad sequences with U+FFFD, so the bytes survive a round trip only when they were UTF-8.
        var decoded = String(decoding: bytes, as: UTF8.self)
        return decoded.withUTF8 { repaired in
            repaired.count == bytes.count
                && bytes.withUnsafeBufferPointer { original in
                    original.isEmpty || memcmp(repaired.baseAddress!, original.baseAddress!, original.count) == 0
                }
        }
    }
}
