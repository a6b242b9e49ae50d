/// The lines of the files a report names, read once each, for the text format's quoted line and caret.
public struct SourceLines: Sendable {
    private let files: [String: [String]]

    /// Reads every file named by `diagnostics` (unreadable ones are simply not quoted).
    public init(for diagnostics: [Diagnostic], limit: Int = 8 << 20) {
        var files: [String: [String]] = [:]
        for file in Set(diagnostics.map(\.file)) {
            guard let bytes = try? BoundedFile.read(file, limit: limit) else { continue }
            files[file] = Self.split(bytes)
        }
        self.files = files
    }

    /// Splits bytes, not Characters: Swift reads "\r\n" as one Character, so a CRLF file would be one line.
    private static func split(_ bytes: [UInt8]) -> [String] {
        bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == 0x0D ? line.dropLast() : line, as: UTF8.self)
        }
    }

    /// Line `line` (1-based) of `file`, without its line break.
    public func line(_ file: String, _ line: Int) -> String? {
        guard let lines = files[file], line >= 1, line <= lines.count else { return nil }
        return lines[line - 1]
    }
}
