/// A small XML well-formedness check for MJML: balanced tags, quoted attributes, closed comments, an `<mjml>`
/// root and an `<mj-body>`. Content of ending tags (`mj-text`, `mj-button`, `mj-raw`, …) is HTML, where void
/// elements such as `<br>` need no closing tag.
enum MJMLScanner {
    struct Problem {
        var offset: Int
        var rule: String
        var message: String
    }

    static let voidElements: Set<String> = [
        "br", "hr", "img", "meta", "link", "input", "col", "area", "base", "wbr", "source", "track", "embed",
    ]
    /// Their content is CSS or raw text, never parsed as tags.
    static let rawTextElements: Set<String> = ["mj-style", "style", "script"]

    static func problems(_ bytes: [UInt8]) -> [Problem] {
        var problems: [Problem] = []
        var stack: [(name: String, offset: Int)] = []
        // How many of each name the stack holds: a closing tag that matches nothing is known stray at once,
        // without searching a deep stack (which made nested MJML quadratic).
        var open: [String: Int] = [:]
        var seenRoot = false
        var seenBody = false
        var index = 0
        let count = bytes.count
        func starts(_ pattern: [UInt8], at offset: Int) -> Bool {
            offset + pattern.count <= count && bytes[offset..<(offset + pattern.count)].elementsEqual(pattern)
        }
        func starts(_ text: String, at offset: Int) -> Bool { starts(Array(text.utf8), at: offset) }
        func find(_ text: String, from offset: Int) -> Int? {
            let pattern = Array(text.utf8)
            var position = offset
            while position < count {
                if bytes[position] == pattern[0] && starts(pattern, at: position) { return position }
                position += 1
            }
            return nil
        }
        while index < count {
            guard bytes[index] == UInt8(ascii: "<") else {
                index += 1
                continue
            }
            if starts("<!--", at: index) {
                guard let end = find("-->", from: index + 4) else {
                    problems.append(
                        Problem(offset: index, rule: "mjml-malformed", message: "comment is never closed with -->"))
                    break
                }
                index = end + 3
                continue
            }
            if starts("<![CDATA[", at: index) || starts("<?", at: index) || starts("<!", at: index) {
                let close = starts("<![CDATA[", at: index) ? "]]>" : ">"
                guard let end = find(close, from: index + 2) else {
                    problems.append(
                        Problem(offset: index, rule: "mjml-malformed", message: "declaration is never closed"))
                    break
                }
                index = end + close.utf8.count
                continue
            }
            let closing = index + 1 < count && bytes[index + 1] == UInt8(ascii: "/")
            var cursor = index + (closing ? 2 : 1)
            let nameStart = cursor
            while cursor < count, Token.isNameByte(bytes[cursor]) || bytes[cursor] == UInt8(ascii: ":") { cursor += 1 }
            var name = String(decoding: bytes[nameStart..<cursor], as: UTF8.self)
            if bytes[nameStart..<cursor].contains(where: { (0x41...0x5A).contains($0) }) { name = name.lowercased() }
            guard !name.isEmpty else {
                problems.append(
                    Problem(
                        offset: index, rule: "mjml-malformed", message: "'<' that does not start a tag (write &lt;)"))
                index += 1
                continue
            }
            // Attributes: name, optional = and a quoted value; stop at > or />.
            var selfClosing = false
            var broken = false
            while cursor < count {
                let byte = bytes[cursor]
                if byte == UInt8(ascii: ">") { break }
                if byte == UInt8(ascii: "/") && cursor + 1 < count && bytes[cursor + 1] == UInt8(ascii: ">") {
                    selfClosing = true
                    cursor += 1
                    break
                }
                if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "'") {
                    var end = cursor + 1
                    while end < count, bytes[end] != byte { end += 1 }
                    guard end < count else {
                        problems.append(
                            Problem(offset: cursor, rule: "mjml-malformed", message: "attribute value is never closed"))
                        broken = true
                        break
                    }
                    cursor = end
                } else if byte == UInt8(ascii: "<") {
                    problems.append(
                        Problem(offset: index, rule: "mjml-malformed", message: "tag <\(name)> is not closed with '>'"))
                    broken = true
                    break
                }
                cursor += 1
            }
            if broken { break }
            guard cursor < count else {
                problems.append(
                    Problem(offset: index, rule: "mjml-malformed", message: "tag <\(name)> is not closed with '>'"))
                break
            }
            index = cursor + 1
            if closing {
                // Searched only when it is there; everything above it is popped, so each entry is passed once.
                if open[name, default: 0] > 0, let match = stack.lastIndex(where: { $0.name == name }) {
                    for unclosed in stack[(match + 1)...] where !voidElements.contains(unclosed.name) {
                        problems.append(
                            Problem(
                                offset: unclosed.offset, rule: "mjml-malformed",
                                message: "<\(unclosed.name)> is not closed before </\(name)>"))
                    }
                    for popped in stack[match...] { open[popped.name]! -= 1 }
                    stack.removeSubrange(match...)
                } else {
                    problems.append(
                        Problem(
                            offset: nameStart - 2, rule: "mjml-malformed",
                            message: "</\(name)> closes a tag that is not open"))
                }
                continue
            }
            if name == "mjml" { seenRoot = true } else if name == "mj-body" { seenBody = true }
            if name == "mjml", !stack.isEmpty {
                problems.append(
                    Problem(offset: index, rule: "mjml-structure", message: "<mjml> must be the root element"))
            }
            if selfClosing || voidElements.contains(name) { continue }
            if rawTextElements.contains(name) {
                guard let end = find("</\(name)", from: index) else {
                    problems.append(
                        Problem(offset: nameStart - 1, rule: "mjml-malformed", message: "<\(name)> is never closed"))
                    break
                }
                index = end
            }
            stack.append((name, nameStart - 1))
            open[name, default: 0] += 1
        }
        for unclosed in stack where !voidElements.contains(unclosed.name) {
            problems.append(
                Problem(offset: unclosed.offset, rule: "mjml-malformed", message: "<\(unclosed.name)> is never closed"))
        }
        if !seenRoot {
            problems.append(Problem(offset: 0, rule: "mjml-structure", message: "no <mjml> root element"))
        }
        if !seenBody {
            problems.append(Problem(offset: 0, rule: "mjml-structure", message: "no <mj-body>"))
        }
        return problems
    }
}
