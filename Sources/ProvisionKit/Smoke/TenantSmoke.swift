import Foundation
import Postgres
import RGCore
import SmokeKit

/// A tenant's smoke suite as `rg-crm smoke` and the onboarding's `smoke` step both build it: the role names and the
/// seed's dry run come from ProvisionKit (SmokeKit does not import it).
public enum TenantSmoke {
    public static func context(
        slug: Slug, configDirectory: String, automationDirectory: String, libraryRoot: String = ".",
        migrationsDirectory: String, seedDirectory: String, databaseURL: String?, rolePrefix: String,
        dashboards: DashboardSource, statementTimeout: Duration = .seconds(10)
    ) -> SmokeContext {
        let names = TenantRoles(prefix: rolePrefix, slug: slug)
        return SmokeContext(
            slug: slug, configDirectory: configDirectory, automationDirectory: automationDirectory,
            libraryRoot: libraryRoot, migrationsDirectory: migrationsDirectory, databaseURL: databaseURL,
            roles: TenantRoleNames(
                app: names.app, reader: names.reader, appGroup: names.groupApp, readerGroup: names.groupReader),
            seedDryRun: { connection, pack in
                let plan = try SeedPlan.build(pack: pack, seedDirectory: seedDirectory)
                return try TenantSeeder(connection: connection, plan: plan, rolePrefix: rolePrefix).seed(dryRun: true)
                    .plan
            },
            dashboards: dashboards, statementTimeout: statementTimeout)
    }

    /// The onboarding's suite: the tenant as the settings place it.
    static func context(_ settings: ProvisionSettings, slug: Slug) -> SmokeContext {
        context(
            slug: slug, configDirectory: settings.configDirectory,
            automationDirectory: settings.automationFolder(slug), libraryRoot: settings.libraryRoot,
            migrationsDirectory: settings.migrationDirectory, seedDirectory: settings.seedDirectory,
            databaseURL: settings.databaseURL, rolePrefix: settings.rolePrefix,
            dashboards: settings.metabase.map {
                .metabase(
                    url: $0.url, credentials: $0.credentials, dashboardsDirectory: $0.dashboardsDirectory,
                    timeoutSeconds: $0.timeoutSeconds)
            } ?? .unavailable(reason: "METABASE_URL not set"))
    }
}
