/// Walks a `JSONNode` with its JSON path, collecting every issue instead of stopping at the first.
/// The typed config models are built through this, so a bad value is always named by path and position.
struct NodeReader {
    let file: String
    private(set) var issues: [ConfigIssue] = []
    /// The workflow library's ids, when the caller has it: workflow references must name one of them.
    var workflows: Set<String>?

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
                        file: file, path: Self.path(path, member.key), position: member.keyPosition,
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

    /// A display name (tenant, pipeline, stage, font): 1 to `maximum` characters counted as PostgreSQL counts them
    /// (code points, the `length(name)` of the tables' CHECKs), and no control character: names are shown on
    /// terminals, in e-mails and in dashboards, where an escape sequence or a line break would fake other output.
    mutating func name(
        _ node: JSONNode?, _ path: String, maximum: Int, expected: String = "a name",
        allowed: ((Unicode.Scalar) -> Bool)? = nil
    ) -> String? {
        guard let text = string(node, path) else { return nil }
        let length = text.unicodeScalars.count
        guard length >= 1, length <= maximum else {
            fail(path, node, "expected a name of 1 to \(maximum) characters, found \(length)")
            return nil
        }
        if let (scalar, position) = TerminalText.firstUnsafe(in: text) {
            // A NUL has its own issue already (`refuseNUL` walks the whole document).
            guard scalar != "\0" else { return nil }
            fail(
                path, node,
                "control character \(TerminalText.codePoint(scalar)) at character \(position): names must be printable text"
            )
            return nil
        }
        if let allowed, !text.unicodeScalars.allSatisfy(allowed) {
            fail(path, node, "expected \(expected), found \(JSONValue.quote(text))")
            return nil
        }
        return text
    }

    /// Every NUL character in the document's strings and keys: PostgreSQL can store none of them (text and jsonb
    /// alike), and C code would cut the string there, so a name "a\u0000b" would silently become "a".
    mutating func refuseNUL(_ node: JSONNode, _ path: String) {
        switch node.value {
        case .string(let text) where text.unicodeScalars.contains("\0"):
            fail(path, node, "a NUL character (\\u0000) cannot be stored; remove it")
        default:
            break
        }
        if let members = node.members {
            for member in members {
                let memberPath = NodeReader.path(path, member.key)
                if member.key.unicodeScalars.contains("\0") {
                    fail(
                        memberPath, at: member.keyPosition,
                        "a NUL character (\\u0000) in a key cannot be stored; remove it")
                }
                refuseNUL(member.value, memberPath)
            }
        } else if let elements = node.elements {
            for (index, element) in elements.enumerated() { refuseNUL(element, "\(path)[\(index)]") }
        }
    }

    /// `$.a.b`, or `$["odd key"]` for keys that are not plain identifiers.
    static func path(_ parent: String, _ key: String) -> String {
        let plain =
            !key.isEmpty
            && key.unicodeScalars.allSatisfy {
                ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || $0 == "_" || $0 == "$"
            }
        return plain ? "\(parent).\(key)" : "\(parent)[\(JSONValue.quote(key))]"
    }

    /// A workflow id: snake_case, and one the library has when the reader knows the library.
    mutating func workflow(_ node: JSONNode?, _ path: String) -> String? {
        guard let id = string(node, path, pattern: Identifier.isValid, expected: "a workflow id in snake_case") else {
            return nil
        }
        if let workflows, !workflows.contains(id) {
            let hint = Suggestion.closest(to: id, in: workflows.sorted()).map { " (did you mean '\($0)'?)" } ?? ""
            fail(path, node, "no workflow '\(id)' in the workflow library\(hint)")
            return nil
        }
        return id
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
        guard let value = node.number, value == value.rounded(), let integer = Int(exactly: value),
            range.contains(integer)
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
