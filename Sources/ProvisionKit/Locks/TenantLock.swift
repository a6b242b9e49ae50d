import Foundation
import Postgres
import RGCore

#if canImport(Glibc)
    import Glibc
#endif

/// The per-tenant lock of an apply: a lock file (flock) under `.rg-crm/locks/` for the local artefacts (secrets,
/// clones, rendered files), then a PostgreSQL session advisory lock keyed on the slug for the database. A second
/// apply of the same tenant waits up to the lock timeout, then fails saying so; other tenants are not held up.
/// Both locks end with the process, however it ends.
public final class TenantLock {
    /// The advisory lock's first key: rg-crm's namespace ("RGCR"), so the slug's hash cannot meet another
    /// application's single-key locks (two-key locks are a key space of their own).
    public static let namespace: Int32 = 0x5247_4352

    private let descriptor: Int32
    private let connection: Connection

    /// Takes both locks, waiting up to `seconds` for each.
    public init(slug: Slug, settings: ProvisionSettings) throws(ProvisionError) {
        let folder = settings.locksFolder
        do {
            try FileManager.default.createDirectory(
                atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch { throw .secrets("cannot create the lock folder \(folder): \(error.localizedDescription)") }
        let path = "\(folder)/\(slug).lock"
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0o600)
        guard descriptor >= 0 else {
            throw .secrets("cannot open the lock file \(path): \(String(cString: strerror(errno)))")
        }
        let deadline = Date().addingTimeInterval(Double(max(0, settings.lockTimeoutSeconds)))
        while flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
            guard errno == EWOULDBLOCK || errno == EINTR, Date() < deadline else {
                close(descriptor)
                throw .locked(tenant: slug.rawValue, holder: "lock file \(path)", seconds: settings.lockTimeoutSeconds)
            }
            usleep(50_000)
        }
        self.descriptor = descriptor
        do {
            connection = try Connection(conninfo: settings.databaseURL)
        } catch {
            close(descriptor)
            throw .underlying(error)
        }
        do {
            let free = try connection.query(
                "SELECT pg_try_advisory_lock($1::integer, hashtext($2))::text", [String(Self.namespace), slug.rawValue]
            ).scalar
            if free != "true" {
                try connection.query("SET lock_timeout = '\(max(1, settings.lockTimeoutSeconds))s'")
                try connection.query(
                    "SELECT pg_advisory_lock($1::integer, hashtext($2))", [String(Self.namespace), slug.rawValue])
            }
        } catch {
            close(descriptor)
            if error.sqlState == "55P03" {
                throw .locked(
                    tenant: slug.rawValue, holder: "PostgreSQL advisory lock at \(connection.endpoint)",
                    seconds: settings.lockTimeoutSeconds)
            }
            throw .underlying(error)
        }
    }

    /// Closing the file drops the flock; the connection's end (right after) drops the advisory lock.
    deinit { close(descriptor) }
}
