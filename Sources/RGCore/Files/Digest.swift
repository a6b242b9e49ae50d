import Crypto

/// SHA-256 in lowercase hex: checksums of migrations, manifests of cloned templates.
public enum Digest {
    public static func sha256Hex(_ bytes: some Sequence<UInt8>) -> String {
        var hasher = SHA256()
        hasher.update(data: Array(bytes))
        return hex(hasher.finalize())
    }

    /// Lowercase hex of a finished digest (for callers that hash in a stream).
    public static func hex(_ digest: SHA256.Digest) -> String {
        // By table, not String(radix:) per byte: a clone hashes every file twice.
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(64)
        for byte in digest {
            bytes.append(digits[Int(byte >> 4)])
            bytes.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    public static func sha256Hex(_ text: String) -> String { sha256Hex(text.utf8) }
}
