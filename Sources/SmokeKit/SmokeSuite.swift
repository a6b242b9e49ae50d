import Foundation
import RGCore

/// Every check of `rg-crm smoke`, group by group, in report order.
public enum SmokeSuite {
    public static let checks: [SmokeCheck] =
        ConfigChecks.all + DatabaseChecks.all + IsolationChecks.all + TemplateChecks.all + WorkflowChecks.all
        + DashboardChecks.all + RedisChecks.all

    /// Every check id, in report order.
    public static var ids: [String] { checks.flatMap(\.ids) }

    /// The checks of `groups` (all when empty), in report order.
    public static func checks(in groups: Set<SmokeGroup>) -> [SmokeCheck] {
        groups.isEmpty ? checks : checks.filter { groups.contains($0.group) }
    }

    /// Runs the checks of `groups` against the tenant of `context`.
    public static func run(
        _ context: SmokeContext, groups: Set<SmokeGroup> = [], runner: SmokeRunner = SmokeRunner()
    ) async -> [CheckResult] {
        await runner.run(checks(in: groups), context: context)
    }
}

/// Durations on the command line, as Goss writes them: `60s`, `2s`, `500ms`, `1m`, `1m30s`.
public enum SmokeDuration {
    public static func parse(_ text: String) -> Duration? {
        var rest = Substring(text)
        var total = Duration.zero
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count <= 9, let value = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unit = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(unit.count)
            switch unit {
            case "ms": total += .milliseconds(value)
            case "s": total += .seconds(value)
            case "m": total += .seconds(value * 60)
            case "h": total += .seconds(value * 3600)
            default: return nil
            }
        }
        return total
    }
}
