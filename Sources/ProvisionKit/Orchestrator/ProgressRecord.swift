import Foundation
import RGCore

/// `.rg-crm/state/<slug>.json`: how the last apply of a tenant ended, resource by resource (names, results and
/// when each last changed; never a value). Rewritten only when an apply changed something or failed, or when it is
/// missing, so that a run that changes nothing writes nothing.
public enum ProgressRecord {
    /// One resource as last recorded.
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var result: String
        /// ISO 8601 (UTC) time of the apply that last changed the resource; nil if no recorded apply changed it.
        public var changedAt: String?
    }

    public static func write(_ report: ProvisionReport, to path: String, now: Date = Date()) throws(ProvisionError) {
        if !report.changedAnything && report.failure == nil && FileManager.default.fileExists(atPath: path) { return }
        // A resource unchanged in this run keeps the time it last changed.
        let previous = Dictionary(
            ((try? read(path)) ?? []).map { ($0.name, $0.changedAt) }, uniquingKeysWith: { first, _ in first })
        let stamp = ISO8601DateFormatter().string(from: now)
        let value = JSONValue.object([
            ("tenant", .string(report.tenant)),
            ("complete", .bool(report.failure == nil)),
            (
                "resources",
                .array(
                    report.outcomes.map { outcome in
                        let changedAt = outcome.result == .changed ? stamp : previous[outcome.name] ?? nil
                        return .object([
                            ("name", .string(outcome.name)), ("result", .string(outcome.summary)),
                            ("changed_at", changedAt.map(JSONValue.string) ?? .null),
                        ])
                    })
            ),
            ("error", report.failure.map { .string($0.description) } ?? .null),
        ])
        do { try AtomicFile.write(Array((value.serialized(indent: 2) + "\n").utf8), to: path) } catch {
            throw .underlying(error)
        }
    }

    /// The resources of the record at `path`; nil when there is none.
    public static func read(_ path: String) throws(ProvisionError) -> [Entry]? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let root: JSONNode
        do {
            root = try JSONParser.parse(try BoundedFile.read(path, limit: 1 << 20))
        } catch {
            throw .badPlanFile(path: path, reason: "not a progress record: \(error)")
        }
        return (root["resources"]?.elements ?? []).compactMap { node in
            guard let name = node["name"]?.string, let result = node["result"]?.string else { return nil }
            return Entry(name: name, result: result, changedAt: node["changed_at"]?.string)
        }
    }
}
