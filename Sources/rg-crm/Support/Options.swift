import ArgumentParser
import Foundation
import RGCore

/// Options of every command that works on one tenant's config pack.
struct TenantOptions: ParsableArguments {
    @Option(help: "The tenant's slug (^[a-z][a-z0-9_]{1,30}$), its folder under --config-dir.")
    var tenant: String

    @Option(help: "Folder holding one config pack per tenant.")
    var configDir: String = ConfigPack.defaultConfigDirectory

    /// The validated slug; checked before any file or server is touched.
    func slug() throws -> Slug { try Slug(tenant) }

    func load() throws -> ConfigPack { try ConfigPack.load(slug: try slug(), configDirectory: configDir) }

    /// Where a tenant's automation (templates and workflows) is cloned to by default.
    var defaultAutomationFolder: String { (configDir as NSString).appendingPathComponent(tenant) + "/automation" }
}

/// `--format text|json|sarif|github` of every checker.
extension OutputFormat: ExpressibleByArgument {}
