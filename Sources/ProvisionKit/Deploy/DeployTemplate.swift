import RGCore

/// The chart's values template, `deploy/helm/rentguy-crm/values.template.yaml`: the chart's values with `${name}`
/// placeholders that the renderer fills in from a tenant's pack.
///
/// Placeholders are replaced inside the parsed tree, never in the template's text, so whatever a value holds
/// (quotes, `: `, `#`, a line break, another `${…}`) stays one scalar and is quoted on output. A scalar that is one
/// list placeholder (`${verticals}`) becomes a sequence; inside a longer text only text placeholders may stand.
/// `$${` stands for a literal `${`.
public struct DeployTemplate: Sendable, Equatable {
    public static let defaultPath = "deploy/helm/rentguy-crm/values.template.yaml"
    /// A template is a small file; anything bigger is refused before it is parsed.
    public static let maximumFileSize = 1 << 20

    /// Where it was read from (for messages).
    public var path: String
    public var bytes: [UInt8]

    public init(path: String, bytes: [UInt8]) {
        self.path = path
        self.bytes = bytes
    }

    public static func load(_ path: String = defaultPath) throws(DeployError) -> DeployTemplate {
        do {
            return DeployTemplate(path: path, bytes: try BoundedFile.read(path, limit: maximumFileSize))
        } catch {
            throw .file(error)
        }
    }

    /// What a placeholder stands for.
    public enum Fill: Sendable, Equatable {
        case text(String)
        case list([String])
    }

    /// The template's tree with every placeholder replaced from `fills`.
    func filled(with fills: [String: Fill]) throws(DeployError) -> YAMLTree {
        let tree: YAMLTree
        do {
            tree = try YAMLTree.parse(bytes)
        } catch {
            throw .templateSyntax(file: path, position: error.position, message: error.message)
        }
        guard case .mapping = tree else {
            throw .templateValue(file: path, path: "$", message: "the values template must be a mapping")
        }
        return try fill(tree, path: "$", fills: fills)
    }

    private func fill(_ tree: YAMLTree, path: String, fills: [String: Fill]) throws(DeployError) -> YAMLTree {
        switch tree {
        case .mapping(let entries):
            var filled: [(String, YAMLTree)] = []
            for (key, value) in entries {
                let keyPath = "\(path).\(key)"
                if key.contains("${") {
                    throw .templateValue(file: self.path, path: keyPath, message: "a key cannot hold a placeholder")
                }
                filled.append((key, try fill(value, path: keyPath, fills: fills)))
            }
            return .mapping(filled)
        case .sequence(let items):
            var filled: [YAMLTree] = []
            for (index, item) in items.enumerated() {
                filled.append(try fill(item, path: "\(path)[\(index)]", fills: fills))
            }
            return .sequence(filled)
        case .string(let text), .plain(let text):
            guard text.contains("${") else {
                if case .plain = tree, !YAMLEmitter.isSafePlain(text) {
                    throw .templateValue(
                        file: self.path, path: path,
                        message:
                            "plain value \(YAMLQuoting.doubleQuoted(text)) must be quoted (only numbers, words and paths are written back unquoted)"
                    )
                }
                return tree
            }
            return try substitute(text, path: path, fills: fills)
        }
    }

    /// One pass over the template's text: what a fill holds is never looked at for placeholders.
    private func substitute(_ text: String, path: String, fills: [String: Fill]) throws(DeployError) -> YAMLTree {
        var output = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            // `$${` is a literal `${` (for a value the container's shell expands itself).
            if rest[..<start.lowerBound].hasSuffix("$") {
                output += rest[..<start.lowerBound].dropLast() + "${"
                rest = rest[start.upperBound...]
                continue
            }
            output += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
                throw .templateValue(
                    file: self.path, path: path,
                    message: "unterminated placeholder in \(YAMLQuoting.doubleQuoted(text))")
            }
            let name = String(rest[start.upperBound..<end])
            guard let fill = fills[name] else {
                let known = fills.keys.sorted().joined(separator: ", ")
                throw .templateValue(
                    file: self.path, path: path, message: "unknown placeholder ${\(name)} (known: \(known))")
            }
            switch fill {
            case .text(let value):
                output += value
            case .list(let values):
                guard start.lowerBound == text.startIndex, rest.index(after: end) == rest.endIndex, output.isEmpty
                else {
                    throw .templateValue(
                        file: self.path, path: path,
                        message: "${\(name)} is a list: it must be the whole value, not part of a text")
                }
                return .sequence(values.map(YAMLTree.string))
            }
            rest = rest[rest.index(after: end)...]
        }
        return .string(output + rest)
    }
}
