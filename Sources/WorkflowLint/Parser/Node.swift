import RGCore
import YAMLEvents

/// The alias a node was reached through: problems inside it are reported at the anchor and at this use.
/// A class, so that every node under the alias shares one (nodes are copied often; this keeps them small).
public final class AliasUse: Sendable, Hashable {
    public let name: String
    public let position: SourcePosition
    /// Where the anchor `&name` is defined.
    public let anchorPosition: SourcePosition

    public init(name: String, position: SourcePosition, anchorPosition: SourcePosition) {
        self.name = name
        self.position = position
        self.anchorPosition = anchorPosition
    }

    public static func == (lhs: AliasUse, rhs: AliasUse) -> Bool {
        (lhs.name, lhs.position, lhs.anchorPosition) == (rhs.name, rhs.position, rhs.anchorPosition)
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(name)
        hasher.combine(position)
    }
}

/// A YAML node with the positions libyaml gave it. Aliases are resolved (sharing storage, never copied out),
/// merge keys applied, and every node reached through an alias remembers that alias.
public struct Node: Sendable {
    public enum Content: Sendable {
        case scalar(String, YAMLScalarStyle)
        case sequence([Node])
        case mapping([Entry])
        /// Stands in for what could not be built (an alias past the limit, an undefined alias).
        case invalid
    }

    public struct Entry: Sendable {
        public var key: Node
        public var value: Node
    }

    public var content: Content
    /// Start of the node (the anchor or tag when it has one).
    public var position: SourcePosition
    /// Just after the node's last character.
    public var end: SourcePosition
    public var via: AliasUse?
    /// Nodes in this subtree, aliases counted as often as they are used (saturating): bounds every walk.
    public var weight: Int

    // MARK: Reading

    public var scalar: String? {
        if case .scalar(let text, _) = content { return text }
        return nil
    }

    public var style: YAMLScalarStyle? {
        if case .scalar(_, let style) = content { return style }
        return nil
    }

    /// Items of a sequence, each carrying the alias this sequence was reached through.
    public var items: [Node]? {
        guard case .sequence(let items) = content else { return nil }
        guard let via else { return items }
        return items.map { $0.inheriting(via) }
    }

    /// Entries of a mapping, each carrying the alias this mapping was reached through.
    public var entries: [Entry]? {
        guard case .mapping(let entries) = content else { return nil }
        guard let via else { return entries }
        return entries.map { Entry(key: $0.key.inheriting(via), value: $0.value.inheriting(via)) }
    }

    /// The value of a scalar key of a mapping.
    public subscript(key: String) -> Node? {
        entries?.first { $0.key.scalar == key }?.value
    }

    func inheriting(_ parentVia: AliasUse) -> Node {
        guard via == nil else { return self }
        var copy = self
        copy.via = parentVia
        return copy
    }

    /// The YAML 1.2 core schema type of a scalar: quoted text is always a string.
    public var scalarType: ScalarType? {
        guard case .scalar(let text, let style) = content else { return nil }
        guard style == .plain else { return .string }
        return ScalarType.of(plain: text)
    }

    /// What a value is, for messages: "a string", "a list", …
    public var typeName: String {
        switch content {
        case .scalar: scalarType?.description ?? "a scalar"
        case .sequence: "a list"
        case .mapping: "a mapping"
        case .invalid: "nothing"
        }
    }

    public var number: Double? {
        guard style == .plain, let text = scalar else { return nil }
        switch ScalarType.of(plain: text) {
        case .integer, .float: return ScalarType.numberValue(text)
        default: return nil
        }
    }

    /// A plain integer that fits an Int (decimal, 0x hex or 0o octal); nil for anything else, or one too large.
    public var integer: Int? {
        guard style == .plain, let text = scalar, ScalarType.of(plain: text) == .integer else { return nil }
        if text.hasPrefix("0x") { return Int(text.dropFirst(2), radix: 16) }
        if text.hasPrefix("0o") { return Int(text.dropFirst(2), radix: 8) }
        return Int(text)
    }

    public var bool: Bool? {
        guard style == .plain, let text = scalar, ScalarType.of(plain: text) == .bool else { return nil }
        return text.lowercased() == "true"
    }
}
