import Foundation
import RGCore
import WorkflowLint

/// `workflows`: the tenant's cloned workflows lint clean against its stages, templates and webhooks, and every stage
/// with an automation has its workflow file (and the clone's `workflows/` part is current).
enum WorkflowChecks {
    static let all: [SmokeCheck] = [lint, files]

    static let lint = SmokeCheck(.workflows, "workflows.lint", "lint --tenant is clean") { session in
        let context = session.context
        let pack = try session.pack()
        guard FileManager.default.fileExists(atPath: context.workflowsDirectory) else {
            throw SkipCheck("no cloned workflows (workflows.files)")
        }
        guard FileManager.default.fileExists(atPath: context.templatesDirectory) else {
            throw SkipCheck("no cloned templates to check references against (templates.current)")
        }
        let tenant = TenantContext(
            slug: context.slug.rawValue, pipelines: try context.pipelines(pack),
            webhooks: pack.crm.webhooks.keys.sorted(),
            templates: try TemplateLibrary.load(directory: context.templatesDirectory))
        let (paths, unreadable) = WorkflowLinter.collectFiles([context.workflowsDirectory])
        if let failure = unreadable.first { throw failure }
        var errors: [Diagnostic] = []
        for path in paths {
            let bytes = try BoundedFile.read(path, limit: WorkflowLinter.maximumFileSize)
            errors += WorkflowLinter.lint(bytes, path: path, tenant: tenant).filter { $0.severity == .error }
        }
        guard let first = errors.first else { return .pass("\(paths.count) workflow(s)") }
        return .fail(
            "\(errors.count) finding(s); first: [\(first.rule)] \(first.message)",
            fix:
                "run rg-crm lint \(context.workflowsDirectory) \(context.tenantFlag) --templates \(context.templatesDirectory) and correct what it reports",
            at: CheckResult.Location(first))
    }

    static let files = SmokeCheck(
        .workflows, "workflows.files", "every stage's automation has its workflow file, as cloned"
    ) { session in
        let context = session.context
        let pack = try session.pack()
        var missing: [String] = []
        for pipeline in try context.pipelines(pack) {
            for stage in pipeline.stages {
                guard let workflow = stage.automation else { continue }
                let base = (context.workflowsDirectory as NSString).appendingPathComponent(workflow)
                if !FileManager.default.fileExists(atPath: base + ".yaml")
                    && !FileManager.default.fileExists(atPath: base + ".yml")
                {
                    missing.append("stage \(pipeline.key).\(stage.key) runs \(workflow), but \(base).yaml is missing")
                }
            }
        }
        let fix = "run \(TemplateChecks.cloneCommand(context))"
        guard missing.isEmpty else { return .fail(missing.joined(separator: "; "), fix: fix) }
        let changes = try TemplateChecks.changed(session, under: "workflows/")
        guard changes.isEmpty else {
            return .fail(
                "\(changes.count) workflow file(s) differ from the library: \(TemplateChecks.describe(changes, root: context.automationDirectory))",
                fix: fix)
        }
        return .pass()
    }
}
