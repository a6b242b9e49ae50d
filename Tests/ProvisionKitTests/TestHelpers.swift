import Foundation
import TestSupport
import Testing

/// Errors collected from several threads (the same helper as MigrationKitTests').
final class LockedErrors: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func append(_ item: String) { lock.withLock { items.append(item) } }
    var all: [String] { lock.withLock { items } }
}
