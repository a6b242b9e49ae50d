/// A snippet that shows a rule, for any checker. In a triggering example each `↓` marks where a finding of the rule
/// must be reported (it points at the character after it, and is removed before checking); a non-triggering example
/// checks clean. One test per checker walks every rule's examples, so a rule cannot land untested.
public struct RuleExample: Sendable {
    public var code: String
    /// The file name the example is checked as (checkers choose rules by it: a workflow's stem, `.mjml`, `email/`).
    public var file: String

    public init(_ code: String, file: String) {
        self.code = code
        self.file = file
    }

    public static let marker: Character = "↓"

    /// The code without markers, and the 1-based positions the markers point at: lines broken as the checker
    /// breaks them, columns in code points.
    public func parsed(breaks: LineBreaks) -> (source: String, positions: [SourcePosition]) {
        var source = ""
        var offsets: [Int] = []
        for scalar in code.unicodeScalars {
            if scalar == "↓" {
                offsets.append(source.utf8.count)
                continue
            }
            source.unicodeScalars.append(scalar)
        }
        let lines = LineIndex(source, breaks: breaks)
        return (source, offsets.map(lines.position(ofByte:)))
    }
}
