import Foundation
import ProvisionKit
import RGCore

enum ProvisionRendering {
    /// The closing table of an onboarding: resource, result, time.
    static func table(_ report: ProvisionReport) -> String {
        let rows = report.outcomes.map { [$0.name, $0.summary, "\($0.milliseconds) ms"] }
        let verdict =
            report.failure != nil
            ? "failed" : report.changedAnything ? "onboarded" : "unchanged (every resource as wanted)"
        return columns(["resource", "result", "time"], rows)
            + "tenant \(report.tenant): \(verdict) in \(seconds(report.milliseconds))\n"
    }

    /// The summary of `onboard --all`: one line per tenant.
    static func summary(_ results: [(slug: String, report: ProvisionReport?, error: String?)]) -> String {
        let rows = results.map { result -> [String] in
            guard let report = result.report, result.error == nil else {
                return [result.slug, "failed: \(result.error ?? "")", ""]
            }
            let changed = report.outcomes.filter { $0.result == .changed }.map(\.name)
            return [
                result.slug, changed.isEmpty ? "unchanged" : "changed: \(changed.joined(separator: ", "))",
                seconds(report.milliseconds),
            ]
        }
        return columns(["tenant", "result", "time"], rows)
    }

    static func progress(_ slug: String, _ event: ProvisionProgress, since start: Date) -> String? {
        let elapsed = seconds(Int(Date().timeIntervalSince(start) * 1000))
        switch event {
        case .started(let resource, let index, let total):
            return "\(slug): step \(index) of \(total): \(resource)… (\(elapsed))"
        case .finished(let outcome, let index, let total):
            return "\(slug): step \(index) of \(total): \(outcome.name) \(outcome.summary) (\(elapsed))"
        }
    }

    static func seconds(_ milliseconds: Int) -> String { String(format: "%.1f s", Double(milliseconds) / 1000) }

    private static func columns(_ header: [String], _ rows: [[String]]) -> String {
        let escaped = rows.map { $0.map { TerminalText.escaped($0) } }
        let widths = header.indices.map { column in ([header] + escaped).map { $0[column].count }.max() ?? 0 }
        return ([header] + escaped).map { row in
            row.enumerated().map { $1.padding(widths[$0]) }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n") + "\n"
    }
}
