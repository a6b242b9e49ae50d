import Foundation
import Postgres
import RGCore

/// What `tenant remove` removed besides the database: files and secrets.
public struct OffboardReport: Sendable {
    public var database: RemovalReport
    /// Local secret files, Vault secrets (only when purged), and folders, by path.
    public var removedSecrets: [String] = []
    public var removedFolders: [String] = []
    /// The Redis user and the count of the tenant's keys removed.
    public var removedRedis: [String] = []
    /// Local artefacts kept because nothing proves they are this database's tenant's (their URL names another).
    public var kept: [String] = []
}

/// Offboards a tenant: its rows, roles and login users (one transaction, `TenantDirectory.remove`), then its local
/// secrets, its rendered deploy folder and its progress record; Vault secrets only when asked (`purgeVault`),
/// since a Vault may be shared. Nothing of any other tenant is touched.
public enum Offboarding {
    public static func remove(
        _ slug: Slug, connection: Connection, settings: ProvisionSettings, purgeVault: Bool
    ) throws(ProvisionError) -> OffboardReport {
        let database: RemovalReport
        do { database = try TenantDirectory(connection: connection).remove(slug) } catch { throw .underlying(error) }
        var report = OffboardReport(database: database)
        // Local artefacts carry no database of their own, and a checkout may hold another environment's (or a
        // test database may share a slug with the real one): they go only when the tenant's stored connection URL
        // proves they belong to this database.
        let store = ProvisionContext.secretStore(settings, slug: slug)
        var urls: [String] = []
        for access in TenantRoles.Access.allCases {
            if let url = try store.read(TenantSecrets.url(access)) { urls.append(url.value) }
        }
        guard !urls.isEmpty, urls.allSatisfy({ LoginUsers.url($0, reaches: connection.endpoint) }) else {
            report.kept = urls.isEmpty ? [] : [store.location, settings.deployFolder(slug)]
            return report
        }
        let names = TenantSecrets.everyName
        report.removedSecrets += try LocalSecretStore(folder: settings.secretsFolder(slug)).remove(names)
        if purgeVault, let vault = settings.vault {
            report.removedSecrets += try VaultSecretStore(vault, slug: slug).remove(names)
        }
        if let redis = settings.redis {
            report.removedRedis += try RedisResource.remove(prefix: settings.rolePrefix, slug: slug, settings: redis)
        }
        for folder in [settings.deployFolder(slug)] where FileManager.default.fileExists(atPath: folder) {
            do { try FileManager.default.removeItem(atPath: folder) } catch {
                throw .secrets("cannot remove \(folder): \(error.localizedDescription)")
            }
            report.removedFolders.append(folder)
        }
        try? FileManager.default.removeItem(atPath: settings.progressFile(slug))
        return report
    }
}
