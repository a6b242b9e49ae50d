/// The lines of the files a report names, read once each, for the text format's quoted line and caret.
public struct SourceLines: Sendable {
    private let files: [String: LineIndex]

    /// Reads every file named by `diagnostics` (unreadable ones are simply not quoted); lines end where `breaks`
    /// says, as the positions of the diagnostics were counted.
    public init(for diagnostics: [Diagnostic], breaks: LineBreaks = .lfCRLFCR, limit: Int = 8 << 20) {
        var files: [String: LineIndex] = [:]
        for file in Set(diagnostics.map(\.file)) {
            guard let bytes = try? BoundedFile.read(file, limit: limit) else { continue }
            files[file] = LineIndex(bytes, breaks: breaks)
        }
        self.files = files
    }

    /// Line `line` (1-based) of `file`, without its line break.
    public func line(_ file: String, _ line: Int) -> String? {
        files[file]?.text(ofLine: line)
    }
}
