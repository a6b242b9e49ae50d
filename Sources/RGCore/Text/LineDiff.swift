// Differences between two texts by lines, cut where the file's reader cuts them (LineIndex): a unified diff
// (`LineDiff`, for `workflows upgrade --dry-run`, YAML's breaks) and the changed block of a hand-edited file
// (`LineDifference`, for `templates clone`'s conflicts, LF, CRLF or CR).

/// A unified diff of two texts by lines (longest common subsequence), for `--dry-run`.
public enum LineDiff {
    public static func unified(
        old: String, new: String, path: String, context: Int = 3, breaks: LineBreaks = .lfCRLFCR
    ) -> String {
        let a = lines(old, breaks: breaks)
        let b = lines(new, breaks: breaks)
        guard a != b else { return "" }
        var operations: [(Character, String)] = []
        if a.count * b.count > 4_000_000 {
            operations = a.map { ("-", $0) } + b.map { ("+", $0) }
        } else {
            // lengths[i][j]: the longest common subsequence of a[i...] and b[j...].
            var lengths = Array(repeating: Array(repeating: 0, count: b.count + 1), count: a.count + 1)
            for i in stride(from: a.count - 1, through: 0, by: -1) {
                for j in stride(from: b.count - 1, through: 0, by: -1) {
                    lengths[i][j] = a[i] == b[j] ? lengths[i + 1][j + 1] + 1 : max(lengths[i + 1][j], lengths[i][j + 1])
                }
            }
            var i = 0
            var j = 0
            while i < a.count || j < b.count {
                if i < a.count && j < b.count && a[i] == b[j] {
                    operations.append((" ", a[i]))
                    i += 1
                    j += 1
                } else if i < a.count && (j == b.count || lengths[i + 1][j] >= lengths[i][j + 1]) {
                    operations.append(("-", a[i]))
                    i += 1
                } else {
                    operations.append(("+", b[j]))
                    j += 1
                }
            }
        }
        // Hunks: changed lines with `context` unchanged lines around them.
        let shown = path.hasPrefix("/") ? String(path.dropFirst()) : path
        var output = "--- a/\(shown)\n+++ b/\(shown)\n"
        let changed = operations.indices.filter { operations[$0].0 != " " }
        var index = 0
        while index < changed.count {
            let start = max(0, changed[index] - context)
            var end = min(operations.count, changed[index] + context + 1)
            while index + 1 < changed.count && changed[index + 1] - context <= end {
                index += 1
                end = min(operations.count, changed[index] + context + 1)
            }
            let before = operations[..<start]
            let oldStart = before.filter { $0.0 != "+" }.count + 1
            let newStart = before.filter { $0.0 != "-" }.count + 1
            let hunk = operations[start..<end]
            output +=
                "@@ -\(oldStart),\(hunk.filter { $0.0 != "+" }.count) +\(newStart),\(hunk.filter { $0.0 != "-" }.count) @@\n"
            for (mark, line) in hunk { output += "\(mark)\(line)\n" }
            index += 1
        }
        return output
    }

    /// Lines as `breaks` cuts them; a final break leaves an empty last line, so that a missing final line break is a
    /// difference. Texts that differ only in their kind of line break are cut at LF alone, so that the difference
    /// still shows (as escaped CRs).
    static func lines(_ text: String, breaks: LineBreaks) -> [String] {
        LineIndex(text, breaks: breaks).lineTexts
    }
}

/// Where a file edited by hand differs from what the clone would write: the changed block after the common
/// leading and trailing lines are set aside, enough for a reviewer to see what the hand edit was.
public struct LineDifference: Sendable, Equatable {
    /// 1-based line in the target file where the difference starts.
    public var line: Int
    /// The target's lines (as edited by hand).
    public var current: [String]
    /// The lines the clone would write.
    public var template: [String]

    public static let maximumLinesShown = 8

    public static func between(current: [UInt8], template: [UInt8]) -> LineDifference? {
        var old = LineDiff.lines(String(decoding: current, as: UTF8.self), breaks: .lfCRLFCR)
        var new = LineDiff.lines(String(decoding: template, as: UTF8.self), breaks: .lfCRLFCR)
        if old == new {
            guard current != template else { return nil }
            // Only the line breaks differ: cut at LF alone, so that the CRs show.
            // By bytes: to a Swift String "\r\n" is one Character, which a split at "\n" would not cut.
            func atLF(_ bytes: [UInt8]) -> [String] {
                bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map {
                    String(decoding: $0, as: UTF8.self)
                }
            }
            old = atLF(current)
            new = atLF(template)
        }
        var prefix = 0
        while prefix < old.count, prefix < new.count, old[prefix] == new[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < old.count - prefix, suffix < new.count - prefix,
            old[old.count - 1 - suffix] == new[new.count - 1 - suffix]
        {
            suffix += 1
        }
        return LineDifference(
            line: prefix + 1,
            current: Array(old[prefix..<(old.count - suffix)].prefix(maximumLinesShown)),
            template: Array(new[prefix..<(new.count - suffix)].prefix(maximumLinesShown)))
    }
}
