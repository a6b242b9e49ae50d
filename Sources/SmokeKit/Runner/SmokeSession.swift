import Foundation
import Postgres
import RGCore
import TemplateCloner

/// What a check body works with: the context, the tenant's files read once per run, and a database connection.
/// One session per check run, used on one thread.
public final class SmokeSession: @unchecked Sendable {
    public let context: SmokeContext
    let facts: SmokeFacts
    private let pool: ConnectionPool
    private var held: Connection?

    init(context: SmokeContext, facts: SmokeFacts, pool: ConnectionPool) {
        self.context = context
        self.facts = facts
        self.pool = pool
    }

    /// A connection, or the check is skipped when the server cannot be reached (db.server reports it).
    public func connection() throws -> Connection {
        guard case .success(let connection) = connectionResult() else {
            throw SkipCheck("the database cannot be reached (db.server)")
        }
        return connection
    }

    /// A connection, or the error connecting.
    func connectionResult() -> Result<Connection, PostgresError> {
        if let held { return .success(held) }
        let result = pool.checkout()
        if case .success(let connection) = result { held = connection }
        return result
    }

    func release() {
        if let held { pool.checkin(held) }
        held = nil
    }

    /// The tenant's config pack, or the check is skipped (config.pack reports why it does not load).
    public func pack() throws -> ConfigPack {
        switch facts.pack(context) {
        case .success(let pack): return pack
        case .failure: throw SkipCheck("the config pack does not load (config.pack)")
        }
    }

    /// The tenant's row id, or the check is skipped (db.tenant reports a missing row).
    public func tenantID() throws -> String {
        let connection = try connection()
        guard
            let id = try connection.query(
                "SELECT id::text FROM crm.crm_tenants WHERE slug = $1", [context.slug.rawValue]
            ).scalar
        else { throw SkipCheck("no tenant row for \(context.slug) (db.tenant)") }
        return id
    }

    /// What `templates clone --dry-run` reports for the tenant's cloned library (computed once per run).
    func cloneReport() throws -> CloneReport {
        let pack = try pack()
        return try facts.cloneReport(context, pack: pack).get()
    }
}

extension Result where Failure == PostgresError {
    /// The error's one-line description, or empty for a success.
    var failureDescription: String {
        if case .failure(let error) = self { return error.description }
        return ""
    }
}

/// The tenant's files as every check of one run sees them: read once, whichever check asks first.
final class SmokeFacts: @unchecked Sendable {
    private let lock = NSLock()
    private var loadedPack: Result<ConfigPack, any Error>?
    private var clone: Result<CloneReport, any Error>?

    func pack(_ context: SmokeContext) -> Result<ConfigPack, any Error> {
        lock.withLock {
            if let loadedPack { return loadedPack }
            // Workflow references are checked by workflows.files against the tenant's clone, not here.
            let result = Result { try ConfigPack.load(slug: context.slug, configDirectory: context.configDirectory) }
            loadedPack = result
            return result
        }
    }

    func cloneReport(_ context: SmokeContext, pack: ConfigPack) -> Result<CloneReport, any Error> {
        lock.withLock {
            if let clone { return clone }
            let result = Result {
                try TemplateCloner.clone(
                    try TemplateBundles.openLibrary(in: context.libraryRoot),
                    values: try TokenValues(tenant: pack.tenant),
                    tenant: context.slug.rawValue,
                    options: CloneOptions(target: context.automationDirectory, dryRun: true))
            }
            clone = result
            return result
        }
    }
}
