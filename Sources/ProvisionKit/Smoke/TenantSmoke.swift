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
        dashboards: DashboardSource, redis: (access: RedisAccess?, unavailable: String?) = (nil, "REDIS_URL not set"),
        statementTimeout: Duration = .seconds(10)
    ) -> SmokeContext {
        let names = TenantRoles(prefix: rolePrefix, slug: slug)
        var context = SmokeContext(
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
        context.effectivePipelines = { pack in
            try SeedPlan.build(pack: pack, seedDirectory: seedDirectory).pipelines
        }
        context.redis = redis.access
        context.redisUnavailable = redis.unavailable
        return context
    }

    /// The tenant's own Redis user as the `redis` resource made it: the shared Redis of the settings, the user
    /// `<prefix>_<slug>` and its password from the secret store; else why the group is skipped.
    public static func redisAccess(_ settings: ProvisionSettings, slug: Slug) -> (
        access: RedisAccess?, unavailable: String?
    ) {
        guard let redis = settings.redis else { return (nil, "REDIS_URL not set") }
        let store = ProvisionContext.secretStore(settings, slug: slug)
        guard let password = try? store.read(RedisResource.passwordSecret) else {
            return (
                nil, "no Redis password stored for \(slug) at \(store.location) (rg-crm tenant apply --tenant \(slug))"
            )
        }
        let user = RedisResource.user(prefix: settings.rolePrefix, slug: slug)
        return (RedisAccess(url: RedisResource.url(redis.url, user: user), password: password.value), nil)
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
            } ?? .unavailable(reason: "METABASE_URL not set"), redis: redisAccess(settings, slug: slug))
    }
}
