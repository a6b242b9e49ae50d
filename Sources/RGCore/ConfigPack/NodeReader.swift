/// Walks a `JSONNode` with its JSON path, collecting every issue instead of stopping at the first.
/// The typed config models are built through this, so a bad value is always named by path and position.
struct NodeReader {
    let file: String
    private(set) var issues: [ConfigIssue] = []

    init(file: String) { self.file = file }

    mutating func fail(_ path: String, _ node: JSONNode?, _ message: String) {
        issues.append(ConfigIssue(file: file, path: path, position: node?.position, message: message))
    }

    /// For issues that sit on a key rather than a value.
    mutating func fail(_ path: String, at position: SourcePosition, _ message: String) {
        issues.append(ConfigIssue(file: file, path: path, position: position, message: message))
    }

    /// The members of an object, reporting keys outside `allowed` (with a suggestion) and missing `required` ones.
    mutating func object(
        _ node: JSONNode?, _ path: String, allowed: [String], required: [String]
    ) -> [String: JSONNode]? {
        guard let node else { return nil }
        guard let members = node.members else {
            fail(path, node, "expected an object, found \(node.typeName)")
            return nil
        }
        var fields: [String: JSONNode] = [:]
        for member in members {
            if member.key == "$schema" { continue }
            if allowed.contains(member.key) {
                fields[member.key] = member.value
            } else {
                let hint = Suggestion.closest(to: member.key, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                issues.append(
                    ConfigIssue(
                        file: file, path: "\(path).\(member.key)", position: member.keyPosition,
                        message: "unknown key '\(member.key)'\(hint)"))
            }
        }
        for key in required where fields[key] == nil {
            fail("\(path).\(key)", node, "missing required key '\(key)'")
        }
        return fields
    }

    mutating func string(_ node: JSONNode?, _ path: String, pattern: ((String) -> Bool)? = nil, expected: String? = nil)
        -> String?
    {
        guard let node else { return nil }
        guard let text = node.string else {
            fail(path, node, "expected \(expected ?? "a string"), found \(node.typeName)")
            return nil
        }
        if let pattern, !pattern(text) {
            fail(path, node, "expected \(expected ?? "a valid string"), found \(JSONValue.quote(text))")
            return nil
        }
        return text
    }

    mutating func positiveNumber(_ node: JSONNode?, _ path: String) -> Double? {
        guard let node else { return nil }
        guard let value = node.number, value.isFinite, value > 0 else {
            fail(path, node, "expected a positive number")
            return nil
        }
        return value
    }

    /// Hours as the database stores them (numeric(8,2)): positive, at most two decimals, below a million.
    mutating func hours(_ node: JSONNode?, _ path: String) -> Double? {
        guard let value = positiveNumber(node, path) else { return nil }
        guard value <= 999_999.99 else {
            fail(path, node, "expected at most 999999.99 hours")
            return nil
        }
        guard abs(value * 100 - (value * 100).rounded()) < 1e-6 else {
            fail(path, node, "expected hours with at most two decimals")
            return nil
        }
        return value
    }

    mutating func integer(_ node: JSONNode?, _ path: String, in range: ClosedRange<Int>) -> Int? {
        guard let node else { return nil }
        guard let value = node.number, value == value.rounded(), let integer = Int(exactly: value), range.contains(integer)
        else {
            fail(path, node, "expected an integer from \(range.lowerBound) to \(range.upperBound)")
            return nil
        }
        return integer
    }

    mutating func bool(_ node: JSONNode?, _ path: String) -> Bool? {
        guard let node else { return nil }
        guard let flag = node.bool else {
            fail(path, node, "expected true or false, found \(node.typeName)")
            return nil
        }
        return flag
    }

    mutating func array(_ node: JSONNode?, _ path: String, nonEmpty: Bool = false) -> [JSONNode]? {
        guard let node else { return nil }
        guard let elements = node.elements else {
            fail(path, node, "expected an array, found \(node.typeName)")
            return nil
        }
        if nonEmpty && elements.isEmpty {
            fail(path, node, "expected at least one element")
            return nil
        }
        return elements
    }
}

/// "Did you mean" by edit distance, for unknown keys and names.
public enum Suggestion {
    public static func closest(to word: String, in candidates: [String]) -> String? {
        let limit = max(2, word.count / 3)
        let lowered = word.lowercased()
        if let near = candidates.map({ ($0, distance(lowered, $0.lowercased())) }).filter({ $0.1 <= limit }).min(by: { $0.1 < $1.1 }) {
            return near.0
        }
        // A shortened name ("accent" for "accent_color") is far by edit distance but plainly meant.
        guard lowered.count >= 3 else { return nil }
        return candidates.filter { $0.lowercased().hasPrefix(lowered) }.min { $0.count < $1.count }
    }

    /// Levenshtein distance.
    public static func distance(_ lhs: String, _ rhs: String) -> Int {
        let left = Array(lhs)
        let right = Array(rhs)
        if left.isEmpty { return right.count }
        if right.isEmpty { return left.count }
        var previous = Array(0...right.count)
        var current = previous
        for i in 1...left.count {
            current[0] = i
            for j in 1...right.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (left[i - 1] == right[j - 1] ? 0 : 1))
            }
            swap(&previous, &current)
        }
        return previous[right.count]
    }
}
