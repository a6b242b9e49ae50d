import RGCore

/// One file of a tenant's deploy artefacts, as rendered: its path under `deploy/tenants/<slug>/` and its bytes.
///
/// Every rendered file starts with a header of comments whose last line is `# rg-crm-sha256: <hex>`, the SHA-256 of
/// the file without that line. A file whose bytes still match its own seal is rg-crm's and may be replaced by a new
/// render; one that does not (or has no seal) was edited by hand, and the writer reports it as a conflict.
public struct RenderedFile: Sendable, Equatable {
    public var relativePath: String
    public var bytes: [UInt8]

    public init(relativePath: String, bytes: [UInt8]) {
        self.relativePath = relativePath
        self.bytes = bytes
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    static let sealPrefix = "# rg-crm-sha256: "

    /// A file of `header` comment lines (each without `#`) and `body`, sealed.
    public static func sealed(_ relativePath: String, header: [String], body: String) -> RenderedFile {
        let comments = header.map { "# \($0)\n" }.joined()
        let digest = Digest.sha256Hex(comments + body)
        return RenderedFile(
            relativePath: relativePath, bytes: Array((comments + sealPrefix + digest + "\n" + body).utf8))
    }

    /// Whether `bytes` are unchanged since rg-crm wrote them: their seal line matches the rest.
    public static func isPristine(_ bytes: [UInt8]) -> Bool {
        // The seal is the last line of the header, which is all comment lines at the top.
        var lineStart = 0
        while lineStart < bytes.count, bytes[lineStart] == UInt8(ascii: "#") {
            let lineEnd = bytes[lineStart...].firstIndex(of: 0x0A) ?? bytes.count
            let line = String(decoding: bytes[lineStart..<lineEnd], as: UTF8.self)
            if line.hasPrefix(sealPrefix) {
                let recorded = line.dropFirst(sealPrefix.count)
                let rest = Array(bytes[..<lineStart]) + Array(bytes[min(lineEnd + 1, bytes.count)...])
                return lineEnd < bytes.count && recorded == Digest.sha256Hex(rest)
            }
            lineStart = lineEnd + 1
        }
        return false
    }

    /// The body below the header, for tests and for showing what changed.
    public var body: String {
        guard let seal = text.range(of: "\n" + Self.sealPrefix) ?? text.range(of: Self.sealPrefix),
            let end = text[seal.upperBound...].firstIndex(of: "\n")
        else { return text }
        return String(text[text.index(after: end)...])
    }
}
