import Foundation
import RGCore

/// Template ids by channel: a template `ID` exists for channel `CH` iff `<library>/CH/ID.<ext>` exists.
public struct TemplateLibrary: Sendable, Equatable {
    public static let defaultDirectory = "automation/templates"
    public static let channels = ["email", "sms", "whatsapp", "teams"]

    public var directory: String
    public var ids: [String: Set<String>]

    public init(directory: String, ids: [String: Set<String>]) {
        self.directory = directory
        self.ids = ids
    }

    /// Lists `<directory>/<channel>/*`; the id is the file name up to its first dot.
    public static func load(directory: String = defaultDirectory) throws(LintSetupError) -> TemplateLibrary {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw LintSetupError(
                "no template library at \(directory) (pass --templates DIR, or add automation/templates/<channel>/<id>.<ext>)"
            )
        }
        var ids: [String: Set<String>] = [:]
        for channel in channels {
            let folder = (directory as NSString).appendingPathComponent(channel)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            ids[channel] = Set(
                names.filter { !$0.hasPrefix(".") }.compactMap { $0.split(separator: ".").first.map(String.init) })
        }
        return TemplateLibrary(directory: directory, ids: ids)
    }

    public func contains(_ id: String, channel: String) -> Bool { ids[channel]?.contains(id) ?? false }
}

/// What `--tenant` adds: the tenant's stages, webhooks and template library.
public struct TenantContext: Sendable, Equatable {
    public let slug: String
    public let pipelines: [PipelineConfig]
    public let webhooks: [String]
    public let templates: TemplateLibrary
    /// Every stage of every pipeline, and their keys: built once, read for every file.
    let stages: [StageConfig]
    let stageKeys: Set<String>

    public init(slug: String, pipelines: [PipelineConfig], webhooks: [String], templates: TemplateLibrary) {
        self.slug = slug
        self.pipelines = pipelines
        self.webhooks = webhooks
        self.templates = templates
        stages = pipelines.flatMap(\.stages)
        stageKeys = Set(stages.map(\.key))
    }

    public static func load(
        slug: String, configDirectory: String = ConfigPack.defaultConfigDirectory,
        templateDirectory: String = TemplateLibrary.defaultDirectory
    ) throws(LintSetupError) -> TenantContext {
        let pack: ConfigPack
        do {
            pack = try ConfigPack.load(slug: try Slug(slug), configDirectory: configDirectory)
        } catch let error as SlugError {
            throw LintSetupError(error.description)
        } catch {
            throw LintSetupError(String(describing: error))
        }
        let templates = try TemplateLibrary.load(directory: templateDirectory)
        return TenantContext(
            slug: slug, pipelines: pack.crm.pipelines, webhooks: pack.crm.webhooks.keys.sorted(), templates: templates)
    }

    /// Stages are named by key: keys are the stable identity, names are display text that may be renamed.
    func hasStage(_ key: String) -> Bool { stageKeys.contains(key) }

    /// Why a value is not a stage, with the best hint.
    func unknownStageMessage(_ value: String) -> String {
        if let byName = stages.first(where: { $0.name == value || $0.name.lowercased() == value.lowercased() }) {
            return
                "'\(value)' is the display name of stage '\(byName.key)'; name stages by key (entry_stage: \(byName.key))"
        }
        let hint = Suggestion.closest(to: value, in: stages.map(\.key)).map { " (did you mean '\($0)'?)" } ?? ""
        return "tenant '\(slug)' has no stage '\(value)'\(hint)"
    }

    /// The stage whose automation runs this workflow (seed: lead_intake at Nieuwe Lead, …).
    func stageRunning(_ workflow: String) -> StageConfig? { stages.first { $0.automation == workflow } }
}

/// A problem with what lint was asked to do (a tenant or template library that cannot be read): exit code 2.
public struct LintSetupError: RGError, Sendable {
    public var description: String
    public var category: ExitCategory { .usage }
    public init(_ description: String) { self.description = description }
}
