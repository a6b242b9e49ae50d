import DashboardKit
import RGCore

/// `dashboards`: the CRM dashboards imported into the tenant's Metabase collection `CRM / <name>` (`rg-crm
/// dashboards import`), when Metabase is configured (`METABASE_URL`); else skipped with the reason. The tenant's
/// Metabase database is registered when missing, with the reader connection of the settings or, failing that, the
/// tenant's stored reader URL. The import records what it made, so a second run sends no POST and no PUT.
public struct DashboardsResource: ProvisionedResource {
    public var name: String { "dashboards" }

    public static let notConfigured = "METABASE_URL not set"

    public init() {}

    public func observe(_ context: ProvisionContext) throws(ProvisionError) -> Observation {
        guard let metabase = context.settings.metabase else { return .skipped(Self.notConfigured) }
        let changes = try run(metabase, context, dryRun: true).plan.changes
        let facts = changes.map { "\($0.action.rawValue) \($0.kind) \($0.identity)" }
        return Observation(
            steps: [ResourceStep("import", changes)], fingerprint: Digest.sha256Hex(facts.joined(separator: "\n")))
    }

    public func apply(_ step: ResourceStep, _ context: ProvisionContext) throws(ProvisionError) -> [Change] {
        guard let metabase = context.settings.metabase else { return [] }
        return try run(metabase, context, dryRun: false).plan.changes
    }

    private func run(_ metabase: MetabaseSettings, _ context: ProvisionContext, dryRun: Bool) throws(ProvisionError)
        -> ImportReport
    {
        do {
            let dashboards = try DashboardFormat.load(directory: metabase.dashboardsDirectory)
            var reader: ReaderDatabase?
            if let url = metabase.readerURL {
                reader = try ReaderDatabase(url: url)
            } else if let stored = try context.secrets.read(TenantSecrets.url(.reader)) {
                // A URL over a unix socket names no host Metabase could reach: then the database must exist.
                reader = try? ReaderDatabase(url: stored.value)
            }
            let client = try MetabaseClient(
                baseURL: metabase.url, credentials: metabase.credentials, timeoutSeconds: metabase.timeoutSeconds,
                extraSecrets: reader.map { [$0.password] } ?? [])
            let request = ImportRequest(
                slug: context.slug, tenantName: context.pack.tenant.name, dashboards: dashboards, reader: reader,
                statePath: ImportState.path(directory: metabase.stateDirectory, slug: context.slug), dryRun: dryRun)
            return try DashboardImporter(client: client).run(request)
        } catch { throw ProvisionError.wrap(error) }
    }
}
