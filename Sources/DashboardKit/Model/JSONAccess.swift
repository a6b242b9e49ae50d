import RGCore

/// Reading and reshaping `JSONValue`s, as the importer and exporter need: a member by key, an object with keys
/// sorted (the canonical form that hashes and exported files use), a value cut down to the keys another has.
extension JSONValue {
    subscript(key: String) -> JSONValue? {
        guard case .object(let members) = self else { return nil }
        return members.last { $0.0 == key }?.1
    }

    var members: [(String, JSONValue)]? {
        if case .object(let members) = self { return members }
        return nil
    }

    var elements: [JSONValue]? {
        if case .array(let elements) = self { return elements }
        return nil
    }

    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    var intValue: Int? {
        switch self {
        case .int(let value): value
        case .double(let value) where value == value.rounded() && abs(value) < 1e15: Int(value)
        default: nil
        }
    }

    var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The same value with every object's keys in byte order, recursively: two values that mean the same serialize
    /// the same, whatever order their keys came in.
    var canonical: JSONValue {
        switch self {
        case .array(let elements): .array(elements.map(\.canonical))
        case .object(let members):
            .object(
                members.map { ($0.0, $0.1.canonical) }.sorted { Array($0.0.utf8).lexicographicallyPrecedes($1.0.utf8) })
        default: self
        }
    }

    /// SHA-256 of the canonical serialization: what the state file records of what was sent.
    var digest: String { Digest.sha256Hex(canonical.serialized()) }

    /// This value with only the object keys `shape` has, recursively (arrays element by element): Metabase returns
    /// more than it was sent (defaults it fills in), and only what was sent is compared.
    func projected(onto shape: JSONValue) -> JSONValue {
        switch (self, shape) {
        case (.object(let members), .object(let wanted)):
            let keys = Set(wanted.map(\.0))
            return .object(
                members.filter { keys.contains($0.0) }.map { member in
                    (member.0, wanted.last { $0.0 == member.0 }.map { member.1.projected(onto: $0.1) } ?? member.1)
                })
        case (.array(let elements), .array(let wanted)) where elements.count == wanted.count:
            return .array(zip(elements, wanted).map { $0.projected(onto: $1) })
        default:
            return self
        }
    }

    /// The object with `key` set to `value` (replaced in place, or appended).
    func setting(_ key: String, _ value: JSONValue) -> JSONValue {
        guard case .object(var members) = self else { return self }
        if let index = members.firstIndex(where: { $0.0 == key }) {
            members[index].1 = value
        } else {
            members.append((key, value))
        }
        return .object(members)
    }

    /// The object without `keys`.
    func removing(_ keys: Set<String>) -> JSONValue {
        guard case .object(let members) = self else { return self }
        return .object(members.filter { !keys.contains($0.0) })
    }

    /// Parses a response or file body; nil when it is not JSON.
    static func parse(_ bytes: [UInt8]) -> JSONValue? {
        try? JSONParser.parse(bytes).plain
    }
}
