import Foundation
import RGCore

/// `config`: the tenant's pack validates, and the tenant row says what the pack says.
enum ConfigChecks {
    static let all: [SmokeCheck] = [pack, tenantRow]

    static let pack = SmokeCheck(.config, "config.pack", "the config pack validates") { session in
        let context = session.context
        switch session.facts.pack(context) {
        case .success(let pack):
            let stages = pack.crm.pipelines.reduce(0) { $0 + $1.stages.count }
            return .pass("\(pack.crm.pipelines.count) pipeline(s), \(stages) stage(s)")
        case .failure(let error as ConfigError):
            let first = error.issues.first
            return .fail(
                "\(error.issues.count) problem(s) in \(context.packDirectory); first: \(first?.description ?? "")",
                fix: "run rg-crm config check \(context.tenantFlag) and correct what it reports",
                at: first.map {
                    CheckResult.Location(file: $0.file, line: $0.position?.line, column: $0.position?.column)
                })
        case .failure(let error):
            throw error
        }
    }

    static let tenantRow = SmokeCheck(
        .config, "config.tenant-row", "slug, name, domain and verticals match the tenant row"
    ) { session in
        let pack = try session.pack()
        let row = try session.connection().query(
            "SELECT slug::text, name, domain, array_to_string(verticals, ',') FROM crm.crm_tenants WHERE slug = $1",
            [session.context.slug.rawValue]
        ).rows.first
        guard let row else { throw SkipCheck("no tenant row for \(session.context.slug) (db.tenant)") }
        let tenant = pack.tenant
        var differences: [String] = []
        if row[1] != tenant.name { differences.append("name is '\(row[1] ?? "")', the pack says '\(tenant.name)'") }
        if row[2] != tenant.domain {
            differences.append("domain is '\(row[2] ?? "")', the pack says '\(tenant.domain)'")
        }
        let verticals = tenant.verticals.map(\.rawValue).joined(separator: ",")
        if row[3] != verticals {
            differences.append("verticals are '\(row[3] ?? "")', the pack says '\(verticals)'")
        }
        guard differences.isEmpty else {
            return .fail(
                "the tenant row differs from \(session.context.packDirectory)/tenant.json: "
                    + differences.joined(separator: "; "),
                fix: "run rg-crm db seed \(session.context.tenantFlag) (or correct tenant.json)")
        }
        return .pass()
    }
}
