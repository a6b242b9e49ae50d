import Foundation
import Postgres
import RGCore

/// What the resources of one tenant's run share: the tenant's config pack, one database connection, the secret
/// store and the step counter. One per run and tenant; not shared between threads.
public final class ProvisionContext {
    public let settings: ProvisionSettings
    public let slug: Slug
    public let pack: ConfigPack
    public let secrets: any SecretStore
    /// Steps finished in this run (what the test-only abort switch counts).
    public private(set) var stepsDone = 0
    private var openConnection: Connection?

    public init(settings: ProvisionSettings, slug: Slug, secrets: (any SecretStore)? = nil) throws(ProvisionError) {
        self.settings = settings
        self.slug = slug
        do {
            pack = try ConfigPack.load(slug: slug, configDirectory: settings.configDirectory)
        } catch { throw .underlying(error) }
        self.secrets = secrets ?? Self.secretStore(settings, slug: slug)
    }

    static func secretStore(_ settings: ProvisionSettings, slug: Slug) -> any SecretStore {
        if let vault = settings.vault { return VaultSecretStore(vault, slug: slug) }
        return LocalSecretStore(folder: settings.secretsFolder(slug))
    }

    /// The run's connection as the provisioning account, opened on first use.
    public func connection() throws(ProvisionError) -> Connection {
        if let openConnection { return openConnection }
        do {
            let connection = try Connection(conninfo: settings.databaseURL)
            openConnection = connection
            return connection
        } catch { throw .underlying(error) }
    }

    /// Marks the end of a step (or of a part of one that a crash may fall after, like a password stored before the
    /// role gets it); the test-only switch stops the run here.
    public func stepDone() throws(ProvisionError) {
        stepsDone += 1
        if let abort = settings.abortAfterStep, stepsDone >= abort { throw .abortedForTest(step: stepsDone) }
    }
}
