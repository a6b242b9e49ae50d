import RGCore
import YAMLEvents

/// Bounds that keep any input cheap: nesting depth, nodes built, and nodes reachable through aliases.
public struct ParseLimits: Sendable {
    public var maximumDepth: Int
    public var maximumNodes: Int
    /// Aliases share storage, but every walk visits an aliased subtree again: this bounds what a walk may visit.
    public var maximumExpandedNodes: Int

    public init(maximumDepth: Int = 200, maximumNodes: Int = 500_000, maximumExpandedNodes: Int = 20_000) {
        self.maximumDepth = maximumDepth
        self.maximumNodes = maximumNodes
        self.maximumExpandedNodes = maximumExpandedNodes
    }
}

/// Builds one document's node tree from libyaml events, without recursion, reporting as it goes:
/// libyaml's syntax errors, duplicate keys, undefined and unused anchors, alias cycles and alias bombs.
struct DocumentBuilder {
    /// A collection being built. A class, so that appending to it does not copy its items (100,000 keys stay linear).
    private final class Frame {
        let isMapping: Bool
        var header: Header
        var items: [Node] = []
        var entries: [Node.Entry] = []
        var pendingKey: Node?
        /// Where each key was first seen (merge keys aside), for duplicate-key findings.
        var keyPositions = FirstByKey<SourcePosition>()

        init(isMapping: Bool, header: Header) {
            self.isMapping = isMapping
            self.header = header
            // Workflow mappings and lists are short: one allocation up front instead of growing 1, 2, 4, 8.
            if isMapping { entries.reserveCapacity(8) } else { items.reserveCapacity(4) }
        }
    }

    private struct Header {
        var start: SourcePosition
        var anchor: String?
        var weight: Int
    }

    private struct AnchorDefinition {
        var node: Node
        var used: Bool
    }

    private var stack: [Frame] = []
    private var anchors: [String: AnchorDefinition] = [:]
    private var openAnchors: [String: SourcePosition] = [:]
    private var usedWhileOpen: Set<String> = []
    private var expandedNodes = 0
    private var builtNodes = 0
    private var aliasLimitReported = false
    private var root: Node?
    private let limits: ParseLimits

    private init(limits: ParseLimits) { self.limits = limits }

    static func build(_ bytes: [UInt8], limits: ParseLimits = ParseLimits(), sink: inout FindingSink) -> Node? {
        var builder = DocumentBuilder(limits: limits)
        return builder.run(bytes, sink: &sink)
    }

    private mutating func run(_ bytes: [UInt8], sink: inout FindingSink) -> Node? {
        let parser = YAMLEventParser(bytes: bytes)
        var documents = 0
        do {
            while let event = try parser.next() {
                let start = event.start
                switch event.kind {
                case .streamStart, .streamEnd, .documentEnd:
                    continue
                case .documentStart:
                    documents += 1
                    if documents > 1 {
                        sink.report(
                            .syntax, at: start,
                            "a workflow file holds one YAML document; the rest of the file is ignored")
                        reportUnusedAnchors(&sink)
                        return root
                    }
                case .alias(let name):
                    complete(alias(name, at: start, sink: &sink), anchor: nil, sink: &sink)
                case .scalar(let value, let anchor, _, let style):
                    let node = Node(
                        content: .scalar(value, style), position: start, end: event.end, via: nil,
                        weight: 1)
                    complete(node, anchor: anchor, sink: &sink)
                case .sequenceStart(let anchor, _):
                    let header = Header(start: start, anchor: anchor, weight: 1)
                    guard open(Frame(isMapping: false, header: header), sink: &sink) else { return nil }
                case .mappingStart(let anchor, _):
                    let header = Header(start: start, anchor: anchor, weight: 1)
                    guard open(Frame(isMapping: true, header: header), sink: &sink) else { return nil }
                case .sequenceEnd, .mappingEnd:
                    guard let (node, anchor) = close(end: event.end, sink: &sink) else { continue }
                    complete(node, anchor: anchor, sink: &sink)
                }
                builtNodes += 1
                if builtNodes > limits.maximumNodes {
                    sink.report(
                        .syntax, at: start,
                        "more than \(limits.maximumNodes) YAML nodes; the file is not checked further")
                    return nil
                }
            }
        } catch {
            sink.report(.syntax, at: error.mark, error.message)
            return nil
        }
        reportUnusedAnchors(&sink)
        return root
    }

    private mutating func open(_ frame: Frame, sink: inout FindingSink) -> Bool {
        let header = frame.header
        guard stack.count < limits.maximumDepth else {
            sink.report(
                .syntax, at: header.start,
                "nested deeper than \(limits.maximumDepth) levels; the file is not checked further")
            return false
        }
        if let anchor = header.anchor { openAnchors[anchor] = header.start }
        stack.append(frame)
        return true
    }

    private mutating func close(end: SourcePosition, sink: inout FindingSink) -> (Node, String?)? {
        guard let frame = stack.popLast() else { return nil }
        let header = frame.header
        if let anchor = header.anchor { openAnchors[anchor] = nil }
        let content: Node.Content =
            frame.isMapping ? .mapping(Self.applyingMergeKeys(frame.entries, sink: &sink)) : .sequence(frame.items)
        return (
            Node(content: content, position: header.start, end: end, via: nil, weight: header.weight), header.anchor
        )
    }

    private mutating func alias(_ name: String, at position: SourcePosition, sink: inout FindingSink) -> Node {
        let invalid = Node(content: .invalid, position: position, end: position, via: nil, weight: 1)
        if let start = openAnchors[name] {
            sink.report(
                .aliasLimit, at: position,
                "alias '*\(name)' refers to the node that contains it (anchor at \(start.line):\(start.column)): a cycle, not expanded"
            )
            usedWhileOpen.insert(name)
            return invalid
        }
        guard let definition = anchors[name] else {
            let hint = Suggestion.closest(to: name, in: Array(anchors.keys)).map { " (did you mean '*\($0)'?)" } ?? ""
            sink.report(.undefinedAlias, at: position, "alias '*\(name)' has no anchor '&\(name)' before it\(hint)")
            return invalid
        }
        anchors[name]?.used = true
        expandedNodes = Self.add(expandedNodes, definition.node.weight)
        if expandedNodes > limits.maximumExpandedNodes {
            if !aliasLimitReported {
                aliasLimitReported = true
                sink.report(
                    .aliasLimit, at: position,
                    "aliases expand to more than \(limits.maximumExpandedNodes) nodes (a \"billion laughs\" document?); '*\(name)' and later aliases are not expanded"
                )
            }
            return invalid
        }
        var node = definition.node
        node.via = AliasUse(name: name, position: position, anchorPosition: definition.node.position)
        return node
    }

    /// Adds a finished node to the collection being built, or makes it the document's root.
    private mutating func complete(_ node: Node, anchor: String?, sink: inout FindingSink) {
        if let anchor {
            if let earlier = anchors[anchor], !earlier.used {
                sink.report(
                    .unusedAnchor, at: earlier.node.position,
                    "anchor '&\(anchor)' is redefined at \(node.position.line):\(node.position.column) before it is used"
                )
            }
            let usedInside = !usedWhileOpen.isEmpty && usedWhileOpen.remove(anchor) != nil
            anchors[anchor] = AnchorDefinition(node: node, used: usedInside)
        }
        guard let frame = stack.last else {
            if root == nil { root = node }
            return
        }
        frame.header.weight = Self.add(frame.header.weight, node.weight)
        if !frame.isMapping {
            frame.items.append(node)
        } else if let key = frame.pendingKey {
            frame.entries.append(Node.Entry(key: key, value: node))
            frame.pendingKey = nil
        } else {
            if let text = node.scalar, !(text == "<<" && node.style == .plain) {
                if let first = frame.keyPositions.insert(text, node.position) {
                    sink.report(
                        .duplicateKey, node,
                        "key '\(text)' is already defined at \(first.line):\(first.column); YAML keeps only one of them"
                    )
                }
            }
            frame.pendingKey = node
        }
    }

    /// `<<: *block` and `<<: [*a, *b]`: the merged mappings' keys, unless the mapping sets them itself
    /// (earlier sources win over later ones, as in YAML 1.1's merge key).
    private static func applyingMergeKeys(_ entries: [Node.Entry], sink: inout FindingSink) -> [Node.Entry] {
        let isMerge: (Node.Entry) -> Bool = { $0.key.scalar == "<<" && $0.key.style == .plain }
        guard entries.contains(where: isMerge) else { return entries }
        var result = entries.filter { !isMerge($0) }
        var keys = FirstByKey<Void>()
        for key in result.compactMap({ $0.key.scalar }) { _ = keys.insert(key, ()) }
        for merge in entries where isMerge(merge) {
            var sources: [Node] = []
            switch merge.value.content {
            case .mapping: sources = [merge.value]
            case .sequence: sources = merge.value.items ?? []
            case .invalid: continue
            case .scalar:
                sink.report(
                    .type, merge.value,
                    "a merge key '<<' takes an alias of a mapping or a list of them, found \(merge.value.typeName)")
                continue
            }
            for source in sources {
                guard let sourceEntries = source.entries else {
                    if case .invalid = source.content { continue }
                    sink.report(.type, source, "a merge key '<<' takes mappings, found \(source.typeName)")
                    continue
                }
                for entry in sourceEntries {
                    guard let key = entry.key.scalar, keys.insert(key, ()) == nil else { continue }
                    result.append(entry)
                }
            }
        }
        return result
    }

    private mutating func reportUnusedAnchors(_ sink: inout FindingSink) {
        for (name, definition) in anchors where !definition.used {
            sink.report(.unusedAnchor, at: definition.node.position, "anchor '&\(name)' is never used by an alias")
        }
    }

    private static func add(_ lhs: Int, _ rhs: Int) -> Int {
        let (sum, overflow) = lhs.addingReportingOverflow(rhs)
        return overflow ? Int.max : sum
    }
}
