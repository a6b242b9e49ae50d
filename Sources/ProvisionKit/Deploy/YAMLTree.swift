import RGCore
import YAMLEvents

/// A YAML value as the deploy renderer reads its template and writes its files: block mappings and sequences and
/// scalars, nothing else (no anchors, aliases, tags or several documents: a values file needs none of them, and a
/// renderer that ignored them would write something other than what the template says).
public indirect enum YAMLTree: Sendable, Equatable {
    /// Text written by rg-crm: a string, quoted whenever it could read as anything else.
    case string(String)
    /// A plain scalar from the template, kept as written so that `2`, `true` and `IfNotPresent` keep their type.
    case plain(String)
    case sequence([YAMLTree])
    /// Keys are written sorted, whatever the order here.
    case mapping([(String, YAMLTree)])

    public static func == (lhs: YAMLTree, rhs: YAMLTree) -> Bool {
        switch (lhs, rhs) {
        case (.string(let left), .string(let right)), (.plain(let left), .plain(let right)): left == right
        case (.sequence(let left), .sequence(let right)): left == right
        case (.mapping(let left), .mapping(let right)):
            left.count == right.count && zip(left, right).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }

    /// The value of `key` in a mapping.
    public subscript(key: String) -> YAMLTree? {
        guard case .mapping(let entries) = self else { return nil }
        return entries.last { $0.0 == key }?.1
    }

    /// The text of a scalar, plain or quoted.
    public var text: String? {
        switch self {
        case .string(let text), .plain(let text): text
        default: nil
        }
    }
}

/// One problem in a YAML file read by the deploy renderer, at its line and column.
public struct YAMLTreeError: RGError, Sendable, Equatable {
    public var position: SourcePosition
    public var message: String
    /// A template or values file to fix.
    public var category: ExitCategory { .usage }
    public var description: String { "\(position.line):\(position.column): \(message)" }
}

extension YAMLTree {
    /// Parses one document. Quoted and block scalars become `.string`, plain ones `.plain`.
    public static func parse(_ bytes: [UInt8]) throws(YAMLTreeError) -> YAMLTree {
        let documents = try parseDocuments(bytes, maximum: 1)
        return documents.first ?? .mapping([])
    }

    /// Parses every document of a stream (`---` between them), at most `maximum`.
    public static func parseDocuments(_ bytes: [UInt8], maximum: Int = .max) throws(YAMLTreeError) -> [YAMLTree] {
        final class Frame {
            let isMapping: Bool
            let start: SourcePosition
            var items: [YAMLTree] = []
            var entries: [(String, YAMLTree)] = []
            var keys: Set<String> = []
            var pendingKey: String?
            init(isMapping: Bool, start: SourcePosition) {
                self.isMapping = isMapping
                self.start = start
            }
        }
        let parser = YAMLEventParser(bytes: bytes)
        var stack: [Frame] = []
        var root: YAMLTree?
        var documents: [YAMLTree] = []

        func add(_ value: YAMLTree, at position: SourcePosition, keyText: String?) throws(YAMLTreeError) {
            guard let frame = stack.last else {
                root = value
                return
            }
            if !frame.isMapping {
                frame.items.append(value)
            } else if let key = frame.pendingKey {
                frame.entries.append((key, value))
                frame.pendingKey = nil
            } else {
                guard let keyText else {
                    throw YAMLTreeError(position: position, message: "a mapping key must be a scalar")
                }
                guard frame.keys.insert(keyText).inserted else {
                    throw YAMLTreeError(
                        position: position, message: "duplicate key \(YAMLQuoting.doubleQuoted(keyText))")
                }
                frame.pendingKey = keyText
            }
        }

        do {
            while let event = try parser.next() {
                switch event.kind {
                case .streamStart, .streamEnd:
                    continue
                case .documentEnd:
                    documents.append(root ?? .mapping([]))
                    root = nil
                case .documentStart:
                    if documents.count >= maximum {
                        throw YAMLTreeError(
                            position: event.start,
                            message: maximum == 1
                                ? "only one YAML document is allowed" : "more than \(maximum) documents")
                    }
                case .alias:
                    throw YAMLTreeError(position: event.start, message: "aliases are not supported here")
                case .scalar(let value, let anchor, let tag, let style):
                    try refuse(anchor: anchor, tag: tag, at: event.start)
                    let tree: YAMLTree = style == .plain ? .plain(value) : .string(value)
                    try add(tree, at: event.start, keyText: value)
                case .sequenceStart(let anchor, let tag):
                    try refuse(anchor: anchor, tag: tag, at: event.start)
                    stack.append(Frame(isMapping: false, start: event.start))
                case .mappingStart(let anchor, let tag):
                    try refuse(anchor: anchor, tag: tag, at: event.start)
                    stack.append(Frame(isMapping: true, start: event.start))
                case .sequenceEnd, .mappingEnd:
                    let frame = stack.removeLast()
                    try add(
                        frame.isMapping ? .mapping(frame.entries) : .sequence(frame.items), at: frame.start,
                        keyText: nil)
                }
            }
        } catch let error as YAMLTreeError {
            throw error
        } catch let error as YAMLSyntaxError {
            throw YAMLTreeError(position: error.mark, message: error.message)
        } catch {
            throw YAMLTreeError(position: SourcePosition(line: 1, column: 1), message: "\(error)")
        }
        return documents
    }

    private static func refuse(anchor: String?, tag: String?, at position: SourcePosition) throws(YAMLTreeError) {
        if anchor != nil { throw YAMLTreeError(position: position, message: "anchors are not supported here") }
        if tag != nil { throw YAMLTreeError(position: position, message: "tags are not supported here") }
    }
}
