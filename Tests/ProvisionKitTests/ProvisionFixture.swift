import Foundation
import Postgres
import RGCore
import TestSupport
import Testing

@testable import ProvisionKit

/// A fresh database with its own role prefix, a temporary state folder and clone folder, and settings that point
/// at them and at the repository's packs, seeds, migrations and library.
struct ProvisionFixture {
    let database: TenantDatabase
    let folder: String
    var settings: ProvisionSettings

    static func with<T>(
        _ label: String, configDirectory: String? = nil, _ body: (inout ProvisionFixture) throws -> T
    ) throws -> T {
        try TenantDatabase.with(label) { database throws in
            let folder = try TestPaths.temporaryDirectory("prov-\(label)")
            defer { try? FileManager.default.removeItem(atPath: folder) }
            var settings = ProvisionSettings()
            settings.databaseURL = database.url
            settings.rolePrefix = database.rolePrefix
            settings.configDirectory = configDirectory ?? TestPaths.repository("configs/tenants")
            settings.seedDirectory = TestPaths.repository("db/seeds/crm")
            settings.migrationDirectory = TestPaths.repository("db/migrations")
            settings.libraryRoot = TestPaths.packageRoot.path
            settings.stateDirectory = folder + "/state"
            settings.automationRoot = folder + "/automation"
            settings.deployRoot = folder + "/deploy"
            settings.deployTemplate = TestPaths.repository(DeployTemplate.defaultPath)
            settings.lockTimeoutSeconds = 10
            var fixture = ProvisionFixture(database: database, folder: folder, settings: settings)
            return try body(&fixture)
        }
    }

    func provisioner(_ slug: String = "mrdj", secrets: (any SecretStore)? = nil) throws -> Provisioner {
        Provisioner(settings: settings, slug: try Slug(slug), secrets: secrets)
    }

    /// Applies and expects no failure.
    @discardableResult
    func apply(_ slug: String = "mrdj", secrets: (any SecretStore)? = nil) throws -> ProvisionReport {
        let report = try provisioner(slug, secrets: secrets).apply()
        #expect(report.failure == nil, "\(report.failure.map { "\($0)" } ?? "")")
        return report
    }

    func admin() throws -> Connection { try Connection(conninfo: database.url) }

    func login(_ slug: String, _ access: TenantRoles.Access) -> String {
        LoginUsers(prefix: database.rolePrefix, slug: try! Slug(slug)).login(access)
    }

    func localStore(_ slug: String = "mrdj") -> LocalSecretStore {
        LocalSecretStore(folder: settings.secretsFolder(try! Slug(slug)))
    }

    /// Connects as a tenant's login user with the password and with the URL in the store.
    func connectAsLogin(
        _ slug: String, _ access: TenantRoles.Access, store: (any SecretStore)? = nil
    ) throws -> Connection {
        let store = store ?? localStore(slug)
        let password = try #require(try store.read(TenantSecrets.password(access))).value
        #expect(password.count >= 32)
        let endpoint = try admin().endpoint
        _ = try Connection(conninfo: LoginUsers.conninfo(endpoint, user: login(slug, access), password: password))
        let url = try #require(try store.read(TenantSecrets.url(access))).value
        return try Connection(conninfo: url)
    }

    /// Every file under the state and clone folders with its modification time (nanoseconds) and size.
    func fileTimes() -> [String: String] {
        var times: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: folder)
        while let relative = enumerator?.nextObject() as? String {
            var info = stat()
            guard lstat("\(folder)/\(relative)", &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { continue }
            times[relative] = "\(info.st_mtim.tv_sec).\(info.st_mtim.tv_nsec) \(info.st_size)"
        }
        return times
    }

    /// What a second run must not change in the database: the migration history, the tenant's roles and logins
    /// (with comments, memberships and settings), and its rows.
    func databaseSnapshot() throws -> [String] {
        let admin = try admin()
        let history = try admin.query("SELECT version, applied_at::text FROM crm.schema_migrations ORDER BY version")
        let roles = try admin.query(
            """
            SELECT r.rolname::text, r.rolcanlogin::text, coalesce(shobj_description(r.oid, 'pg_authid'), ''),
                   coalesce((SELECT string_agg(g.rolname, ',' ORDER BY g.rolname) FROM pg_auth_members m
                             JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid), ''),
                   coalesce((SELECT array_to_string(s.setconfig, ',') FROM pg_db_role_setting s WHERE s.setrole = r.oid), '')
              FROM pg_roles r WHERE r.rolname LIKE $1 ORDER BY 1
            """, [database.rolePrefix + "%"])
        // A password set again gets a new salt: the verifiers show it (readable by a superuser only).
        var verifiers: [[String?]] = []
        if let superuser = ProcessInfo.processInfo.environment["RG_PG_ADMIN_URL"], !superuser.isEmpty {
            verifiers = try Connection(conninfo: superuser).query(
                "SELECT rolname::text, rolpassword FROM pg_authid WHERE rolname LIKE $1 ORDER BY 1",
                [database.rolePrefix + "%"]
            ).rows
        }
        let rows = try admin.query(
            "SELECT t.xmin::text, (SELECT string_agg(s.xmin::text || s.key, ',' ORDER BY s.key) FROM crm.crm_stages s WHERE s.tenant_id = t.id) FROM crm.crm_tenants t ORDER BY t.slug"
        )
        return (history.rows + roles.rows + rows.rows + verifiers).map { $0.map { $0 ?? "∅" }.joined(separator: "|") }
    }
}
