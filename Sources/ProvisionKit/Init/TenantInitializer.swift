import Foundation
import RGCore

/// What `rg-crm tenant init` is asked for: a new tenant, and the pack its config is copied from.
public struct TenantInitRequest: Sendable, Equatable {
    public var slug: Slug
    public var name: String
    public var domain: String
    public var verticals: [String]
    /// The brand colour; the source pack's when nil.
    public var primaryColor: String?
    /// The logo; `https://<domain>/assets/brand/logo.svg` when nil (the source's logo is the source tenant's).
    public var logoURL: String?
    /// The tenant whose pack is copied: Mr. DJ's by default, as the platform plan says.
    public var source: Slug
    public var configDirectory: String

    public static let defaultSource = "mrdj"

    public init(
        slug: Slug, name: String, domain: String, verticals: [String], primaryColor: String? = nil,
        logoURL: String? = nil, source: Slug, configDirectory: String = ConfigPack.defaultConfigDirectory
    ) {
        self.slug = slug
        self.name = name
        self.domain = domain
        self.verticals = verticals
        self.primaryColor = primaryColor
        self.logoURL = logoURL
        self.source = source
        self.configDirectory = configDirectory
    }

    public var directory: String { (configDirectory as NSString).appendingPathComponent(slug.rawValue) }
    public var defaultLogoURL: String { "https://\(domain)/assets/brand/logo.svg" }
}

/// The new pack, validated, and what writing it would change.
public struct TenantInitPlan: Sendable {
    public var directory: String
    /// `tenant.json` and `crm.json`, in that order, as they will be written.
    public var files: [(name: String, bytes: [UInt8])]
    /// `create` per file, or `unchanged` per file when the folder already holds exactly this pack.
    public var changes: [Change]
    /// What a person should look at: pipelines left out, text that still names the source tenant.
    public var notes: [String]
}

/// `tenant init`: day 0 of onboarding. Copies a pack (Mr. DJ's by default) under a new slug, with the new
/// tenant's name, domain, verticals and colour, and every value that names the source tenant rewritten: the
/// `vault:` references' tenant segment (`…/tenants/mrdj/…` → `…/tenants/<slug>/…`), the source's domain wherever
/// a text holds it, the logo, and pipelines of verticals the new tenant does not serve left out. Key order is the
/// source's, so a diff between two packs reads line by line.
///
/// Validated by RGCore's config pack rules before anything is written; both files are staged in a hidden folder
/// beside the target and the folder renamed into place, so no half-written pack is ever seen. An existing pack is
/// never overwritten: the same pack again (same arguments, same source) is `unchanged`, anything else is refused.
public enum TenantInitializer {
    public static func plan(_ request: TenantInitRequest) throws(TenantInitError) -> TenantInitPlan {
        let sourcePack: ConfigPack
        do {
            sourcePack = try ConfigPack.load(slug: request.source, configDirectory: request.configDirectory)
        } catch {
            throw .source(error)
        }
        let sourceTenant: JSONNode
        let sourceCRM: JSONNode
        do {
            sourceTenant = try ConfigPack.readJSON(
                (sourcePack.directory as NSString).appendingPathComponent("tenant.json"))
            sourceCRM = try ConfigPack.readJSON((sourcePack.directory as NSString).appendingPathComponent("crm.json"))
        } catch {
            throw .source(error)
        }
        var rewriter = PackRewriter(request: request, source: sourcePack.tenant)
        let tenant = rewriter.tenant(sourceTenant.plain)
        let crm = rewriter.crm(sourceCRM.plain)
        let files = [
            (name: "tenant.json", bytes: Array((tenant.serialized(indent: 2) + "\n").utf8)),
            (name: "crm.json", bytes: Array((crm.serialized(indent: 2) + "\n").utf8)),
        ]
        try validate(files, request: request)
        let directory = request.directory
        let paths = files.map { (directory as NSString).appendingPathComponent($0.name) }
        let unchanged = try existingPackIsSame(files, directory: directory)
        return TenantInitPlan(
            directory: directory, files: files,
            changes: paths.map { Change(unchanged ? .unchanged : .create, "file", $0) },
            notes: rewriter.notes + leftovers(files, paths: paths, source: sourcePack.tenant, request: request))
    }

    /// Writes the pack (nothing when it is unchanged) and returns what was done.
    public static func apply(_ plan: TenantInitPlan) throws(TenantInitError) -> Plan {
        guard plan.changes.contains(where: { $0.action == .create }) else { return Plan(plan.changes, applied: true) }
        let directory = plan.directory
        let parent = (directory as NSString).deletingLastPathComponent
        let staging =
            ((parent.isEmpty ? "." : parent) as NSString).appendingPathComponent(
                ".\((directory as NSString).lastPathComponent).rg-crm-\(getpid()).tmp")
        let manager = FileManager.default
        do {
            try? manager.removeItem(atPath: staging)
            try manager.createDirectory(atPath: staging, withIntermediateDirectories: true)
            for file in plan.files {
                try Data(file.bytes).write(
                    to: URL(fileURLWithPath: (staging as NSString).appendingPathComponent(file.name)))
            }
        } catch {
            try? manager.removeItem(atPath: staging)
            throw .file(
                FileError(
                    path: directory, reason: "cannot be written: \(error.localizedDescription)", category: .failed))
        }
        // rename(2) replaces only an empty folder: a pack that appeared meanwhile is refused, not overwritten.
        guard rename(staging, directory) == 0 else {
            let code = errno
            try? manager.removeItem(atPath: staging)
            if code == ENOTEMPTY || code == EEXIST || code == ENOTDIR {
                throw .exists(directory: directory, reason: "it appeared while the new pack was being written")
            }
            throw .file(
                FileError(
                    path: directory, reason: "cannot be written: \(String(cString: strerror(code)))", category: .failed)
            )
        }
        return Plan(plan.changes, applied: true)
    }

    /// Runs the new files through the same decoding `config check` uses. A problem with a value set by a flag is
    /// named by that flag.
    static func validate(_ files: [(name: String, bytes: [UInt8])], request: TenantInitRequest) throws(TenantInitError)
    {
        let flags: [(prefix: String, flag: String)] = [
            ("$.name", "--name"), ("$.domain", "--domain"), ("$.verticals", "--vertical"),
            ("$.branding.primary_color", "--primary-color"), ("$.branding.logo_url", "--logo-url"),
        ]
        var lines: [String] = []
        for file in files {
            let path = (request.directory as NSString).appendingPathComponent(file.name)
            do {
                let root = try JSONParser.parse(file.bytes)
                if file.name == "tenant.json" {
                    _ = try ConfigPack.decodeTenant(root, file: path)
                } else {
                    _ = try ConfigPack.decodeCRM(root, file: path)
                }
            } catch let error as ConfigError {
                // The default logo URL is made from the domain: a bad domain is said once, by --domain.
                let badDomain = error.issues.contains { $0.path == "$.domain" }
                for issue in error.issues
                where !(badDomain && request.logoURL == nil && issue.path == "$.branding.logo_url") {
                    if file.name == "tenant.json",
                        let flag = flags.first(where: {
                            issue.path == $0.prefix || issue.path.hasPrefix($0.prefix + "[")
                        })
                    {
                        lines.append("\(flag.flag): \(issue.message)")
                    } else {
                        // Copied from the source pack: named by file and JSON path (no position: not written yet).
                        lines.append("\(issue.file): \(issue.path): \(issue.message)")
                    }
                }
            } catch {
                lines.append("\(path): \(error)")
            }
        }
        if !lines.isEmpty { throw .invalid(lines) }
    }

    /// True when the folder holds exactly these files with these bytes; false when it is missing or empty; the
    /// refusal otherwise.
    static func existingPackIsSame(_ files: [(name: String, bytes: [UInt8])], directory: String) throws(TenantInitError)
        -> Bool
    {
        var status = stat()
        guard lstat(directory, &status) == 0 else { return false }
        guard status.st_mode & S_IFMT == S_IFDIR else {
            throw .exists(directory: directory, reason: "it is not a folder")
        }
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        if entries.isEmpty { return false }
        guard entries == files.map(\.name).sorted() else {
            throw .exists(directory: directory, reason: "it holds \(entries.joined(separator: ", "))")
        }
        for file in files {
            let path = (directory as NSString).appendingPathComponent(file.name)
            let current: [UInt8]
            do {
                current = try BoundedFile.read(path, limit: ConfigPack.maximumFileSize, followLinks: false)
            } catch {
                throw .exists(directory: directory, reason: "\(file.name) \(error.reason)")
            }
            guard current == file.bytes else {
                throw .exists(
                    directory: directory, reason: "its \(file.name) differs from the pack these arguments make")
            }
        }
        return true
    }

    /// Texts in the new pack that still mention the source tenant by slug or name: worth a look before onboarding.
    static func leftovers(
        _ files: [(name: String, bytes: [UInt8])], paths: [String], source: TenantConfig, request: TenantInitRequest
    ) -> [String] {
        // Compared in lower case, the same on every machine whatever its locale.
        let needles = [source.slug.rawValue, source.name].filter { needle in
            !request.slug.rawValue.lowercased().contains(needle.lowercased())
                && !request.name.lowercased().contains(needle.lowercased())
        }
        var notes: [String] = []
        for (file, path) in zip(files, paths) {
            guard let root = try? JSONParser.parse(file.bytes) else { continue }
            walk(root, "$") { jsonPath, text in
                if jsonPath == "$.$schema" { return }
                for needle in needles where text.lowercased().contains(needle.lowercased()) {
                    notes.append("\(path): \(jsonPath) still mentions \(JSONValue.quote(needle)); review it")
                }
            }
        }
        return notes
    }

    private static func walk(_ node: JSONNode, _ path: String, _ visit: (String, String) -> Void) {
        switch node.value {
        case .string(let text): visit(path, text)
        case .array(let elements):
            for (index, element) in elements.enumerated() { walk(element, "\(path)[\(index)]", visit) }
        case .object(let members):
            for member in members { walk(member.value, "\(path).\(member.key)", visit) }
        default: break
        }
    }
}
