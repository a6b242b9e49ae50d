/// The first value stored for each string key: searched in order while there are few keys (cheaper than hashing,
/// and most mappings and objects are small), hashed once there are more than 16, so a huge one stays linear.
/// Keys compare with String's `==`. Inlinable, so that each module gets it specialized for its value type (the
/// generic version costs a lint run a third more work).
public struct FirstByKey<Value> {
    @usableFromInline var small: [(key: String, value: Value)] = []
    @usableFromInline var large: [String: Value]?

    @inlinable public init() {}

    /// The value stored for `key` earlier; nil after storing `value` as the first for it.
    @inlinable public mutating func insert(_ key: String, _ value: Value) -> Value? {
        if large != nil {
            if let earlier = large?[key] { return earlier }
            large?[key] = value
            return nil
        }
        if let earlier = small.first(where: { $0.key == key }) { return earlier.value }
        small.append((key, value))
        if small.count > 16 {
            large = Dictionary(small, uniquingKeysWith: { first, _ in first })
            small = []
        }
        return nil
    }
}
