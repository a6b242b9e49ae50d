import ProvisionKit
import RGCore

enum TenantRendering {
    static func table(_ tenants: [TenantSummary]) -> String {
        guard !tenants.isEmpty else { return "No tenants.\n" }
        let countHeaders = TenantDirectory.countedTables.map { $0.replacingOccurrences(of: "crm_", with: "") }
        let header = ["slug", "name", "verticals", "created_at"] + countHeaders
        let rows = tenants.map { tenant in
            ([tenant.slug, tenant.name, tenant.verticals.joined(separator: ","), tenant.createdAt]
                + tenant.rowCounts.map { String($0.rows) })
                .map { TerminalText.escaped($0) }
        }
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.enumerated().map { $1.padding(widths[$0]) }.joined(separator: "  ").trimmingTrailingSpaces()
        }.joined(separator: "\n") + "\n"
    }

    static func json(_ tenants: [TenantSummary]) -> String {
        JSONValue.array(
            tenants.map { tenant in
                .object([
                    ("slug", .string(tenant.slug)), ("name", .string(tenant.name)),
                    ("verticals", .array(tenant.verticals.map(JSONValue.string))),
                    ("created_at", .string(tenant.createdAt)),
                    ("rows", .object(tenant.rowCounts.map { ($0.table, .int($0.rows)) })),
                ])
            }
        ).serialized(indent: 2) + "\n"
    }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var text = self
        while text.last == " " { text.removeLast() }
        return text
    }
}
