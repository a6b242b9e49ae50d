import RGCore

/// Escapes a value for the file type, and within JSON and YAML for the quoting it stands in.
enum Escaping {
    static func html(_ text: String) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "&"): output += Array("&amp;".utf8)
            case UInt8(ascii: "<"): output += Array("&lt;".utf8)
            case UInt8(ascii: ">"): output += Array("&gt;".utf8)
            case UInt8(ascii: "\""): output += Array("&quot;".utf8)
            case UInt8(ascii: "'"): output += Array("&#39;".utf8)
            default: output.append(byte)
            }
        }
        return output
    }

    /// Inside a string: the escaped characters only. Outside one: a complete JSON string.
    static func json(_ text: String, insideString: Bool) -> [UInt8] {
        let quoted = JSONValue.quote(text)
        return insideString ? Array(quoted.utf8.dropFirst().dropLast()) : Array(quoted.utf8)
    }

    enum YAMLPlacement: Equatable {
        case doubleQuoted, singleQuoted, comment, plain
    }

    /// A quote opens a quoted scalar only where a scalar starts (`key: '…'`, `- '…'`), not inside `it's`.
    static func startsScalar(_ input: [UInt8], lineStart: Int, at index: Int) -> Bool {
        var before = index - 1
        while before >= lineStart && Self.isBlank(input[before]) { before -= 1 }
        guard before >= lineStart else { return true }
        return [UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "["), UInt8(ascii: "{"), UInt8(ascii: ",")].contains(
            input[before])
    }

    static func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }

    /// YAML: escaped inside quotes; a whole unquoted value becomes a double-quoted string; a value embedded in
    /// unquoted text goes in as is when YAML would read it back unchanged, and is refused otherwise.
    /// `lineStart`, `firstNonBlank` (of the line, before the token) and `placement` come from a
    /// `YAMLPlacementTracker`, which reads each line once however many tokens it holds.
    static func yaml(
        _ text: String, input: [UInt8], tokenStart: Int, tokenEnd: Int, lineStart: Int, firstNonBlank: Int?,
        placement: YAMLPlacement
    ) -> Result<[UInt8], YAMLPlacementError> {
        switch placement {
        case .doubleQuoted:
            return .success(json(text, insideString: true))
        case .singleQuoted:
            return .success(Array(text.replacingOccurrences(of: "'", with: "''").utf8))
        case .comment:
            return .success(Array(text.utf8))
        case .plain:
            break
        }
        var before = tokenStart - 1
        while before >= lineStart && isBlank(input[before]) { before -= 1 }
        // `- {{…}}` as a list item: the dash is the line's first non-blank byte.
        let startsValue =
            before < lineStart || input[before] == UInt8(ascii: ":")
            || (input[before] == UInt8(ascii: "-")
                && (before == lineStart || firstNonBlank == before || isBlank(input[before - 1])))
        var after = tokenEnd
        while after < input.count && isBlank(input[after]) { after += 1 }
        let endsValue =
            after >= input.count || input[after] == UInt8(ascii: "\n") || input[after] == UInt8(ascii: "\r")
            || (input[after] == UInt8(ascii: "#") && after > tokenEnd)
        if startsValue && endsValue {
            return .success(json(text, insideString: false))
        }
        let bytes = Array(text.utf8)
        let indicators = Array("-?:,[]{}#&*!|>'\"%@`".utf8)
        let unsafe =
            text.contains(": ") || text.contains(" #") || text.hasSuffix(":") || text.contains("\t")
            || (startsValue && bytes.first.map(indicators.contains) == true)
            || (tokenStart > lineStart && isBlank(input[tokenStart - 1]) && bytes.first == UInt8(ascii: "#"))
        if unsafe {
            return .failure(
                YAMLPlacementError(
                    reason:
                        "cannot stand unquoted in this YAML value (it would change the YAML's meaning); put the value in double quotes"
                ))
        }
        return .success(bytes)
    }

    struct YAMLPlacementError: Error, CustomStringConvertible {
        var reason: String
        var description: String { reason }
    }
}
