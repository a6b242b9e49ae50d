import Foundation
import RGCore

/// `.rg-crm/state/<slug>.json`: how the last apply of a tenant ended, resource by resource (names and results
/// only, never a value). Rewritten only when an apply changed something or failed, or when it is missing, so that
/// a run that changes nothing writes nothing.
public enum ProgressRecord {
    public static func write(_ report: ProvisionReport, to path: String) throws(ProvisionError) {
        if !report.changedAnything && report.failure == nil && FileManager.default.fileExists(atPath: path) { return }
        let value = JSONValue.object([
            ("tenant", .string(report.tenant)),
            ("complete", .bool(report.failure == nil)),
            (
                "resources",
                .array(report.outcomes.map { .object([("name", .string($0.name)), ("result", .string($0.summary))]) })
            ),
            ("error", report.failure.map { .string($0.description) } ?? .null),
        ])
        do { try AtomicFile.write(Array((value.serialized(indent: 2) + "\n").utf8), to: path) } catch {
            throw .underlying(error)
        }
    }
}
