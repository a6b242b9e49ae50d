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
        let old = Self.lines(current)
        let new = Self.lines(template)
        guard old != new else { return nil }
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

    static func lines(_ bytes: [UInt8]) -> [String] {
        String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}
