import Foundation
import RGCore
import ReportKit
import SmokeKit
import TemplateCloner
import WorkflowLint

/// Gathers what the onboarding report and the pipeline graph show from where provisioning keeps it: the tenant's
/// effective pipelines (its seed plan), the workflow library, the cloned templates, the last saved smoke run, the
/// rollout checklist's manual points and the progress record. ReportKit renders; this only reads.
public struct TenantReportSource {
    public var settings: ProvisionSettings
    /// The workflow library; nil: `<libraryRoot>/automation/workflows`.
    public var workflowDirectory: String?
    /// The tenant's cloned template library; nil: `<automation folder>/templates`.
    public var templateDirectory: String?
    /// A saved smoke run (`rg-crm smoke --format json --output FILE`); nil: `smokeFile(_:)` when it exists.
    public var smokeFile: String?
    public var checklistPath: String = RolloutChecklist.defaultPath

    public init(settings: ProvisionSettings) { self.settings = settings }

    /// Where a tenant's saved smoke run is looked for by default: `.rg-crm/state/<slug>/smoke.json`.
    public func defaultSmokeFile(_ slug: Slug) -> String { "\(settings.stateDirectory)/state/\(slug)/smoke.json" }

    var workflows: String { workflowDirectory ?? "\(settings.libraryRoot)/automation/workflows" }

    /// The tenant's pipelines with the workflows firing at their stages.
    public func graph(_ slug: Slug) throws -> (pack: ConfigPack, graph: TenantGraph) {
        let ids = FileManager.default.fileExists(atPath: workflows) ? try WorkflowCatalog.ids(in: workflows) : nil
        let pack = try ConfigPack.load(slug: slug, configDirectory: settings.configDirectory, workflows: ids)
        let plan = try SeedPlan.build(pack: pack, seedDirectory: settings.seedDirectory)
        let summaries = ids == nil ? [] : try WorkflowSummary.load(directory: workflows)
        return (pack, TenantGraph(tenantName: pack.tenant.name, pipelines: plan.pipelines, workflows: summaries))
    }

    /// The report's content; `notes` say what was missing (no clone, no smoke run, no progress record) and is
    /// shown as such in the report.
    public func report(_ slug: Slug, diagrams: (TenantGraph) throws -> [String]) throws -> (
        report: TenantReport, notes: [String]
    ) {
        var notes: [String] = []
        let (pack, graph) = try graph(slug)
        let templateFolder = templateDirectory ?? settings.automationFolder(slug) + "/templates"
        var templates: [TemplateDigest] = []
        switch Result(catching: { () throws(TemplateClonerError) in try TemplateDigest.library(at: templateFolder) }) {
        case .success(let digests): templates = digests
        case .failure(let error):
            guard case .notFound = error, templateDirectory == nil else { throw error }
            notes.append("no cloned template library at \(templateFolder); the report lists none")
        }
        var smoke: TenantReport.SmokeRun?
        var manual: [TenantReport.ManualPoint] = []
        let smokePath = smokeFile ?? defaultSmokeFile(slug)
        if smokeFile != nil || FileManager.default.fileExists(atPath: smokePath) {
            let saved = try CheckJSONReader.read(try BoundedFile.read(smokePath, limit: 16 << 20), file: smokePath)
            smoke = TenantReport.SmokeRun(results: saved.results, source: smokePath)
            manual = saved.manual.map { .init(id: $0.id, title: $0.title, signOff: $0.signOff) }
        } else {
            notes.append("no saved smoke run at \(smokePath) (rg-crm smoke --format json --output \(smokePath))")
        }
        if manual.isEmpty, FileManager.default.fileExists(atPath: checklistPath) {
            manual = try RolloutChecklist.load(checklistPath).manualItems.map {
                .init(id: $0.id, title: $0.title, signOff: $0.signOff)
            }
        }
        let provisioning = (try ProgressRecord.read(settings.progressFile(slug)) ?? []).map {
            TenantReport.ProvisionedResource(
                resource: $0.name, action: $0.result, detail: "", at: $0.changedAt ?? "")
        }
        if provisioning.isEmpty { notes.append("no provisioning recorded at \(settings.progressFile(slug))") }
        let report = TenantReport(
            tenant: pack.tenant, graph: graph, diagrams: try diagrams(graph), templates: templates, smoke: smoke,
            manualPoints: manual, provisioning: provisioning)
        return (report, notes)
    }
}
