import Foundation
import RGCore
import WorkflowLint

/// `workflows`: the workflow library linted against the tenant (today's `lint --tenant`). Nothing is written; an
/// error finding is a conflict in the plan and stops the onboarding when applied.
public struct WorkflowsResource: ProvisionedResource {
    public var name: String { "workflows" }

    public init() {}

    public func observe(_ context: ProvisionContext) throws(ProvisionError) -> Observation {
        let root = context.settings.libraryRoot
        let workflows = root == "." ? WorkflowLinter.defaultDirectory : "\(root)/\(WorkflowLinter.defaultDirectory)"
        let templates = root == "." ? TemplateLibrary.defaultDirectory : "\(root)/\(TemplateLibrary.defaultDirectory)"
        let tenant: TenantContext
        do {
            tenant = try TenantContext.load(
                slug: context.slug.rawValue, configDirectory: context.settings.configDirectory,
                templateDirectory: templates)
        } catch { throw .underlying(error) }
        let (files, unreadable) = WorkflowLinter.collectFiles([workflows])
        if let failure = unreadable.first { throw .underlying(failure) }
        var diagnostics: [Diagnostic] = []
        var digests: [String] = []
        for file in files {
            let bytes: [UInt8]
            do { bytes = try BoundedFile.read(file, limit: 4 << 20) } catch { throw .underlying(error) }
            digests.append("\(file) \(Digest.sha256Hex(bytes))")
            diagnostics += WorkflowLinter.lint(bytes, path: file, tenant: tenant)
        }
        let errors = diagnostics.filter { $0.severity == .error }
        let change: Change
        if let first = errors.first {
            change = Change(
                .conflict, "workflows", workflows,
                detail:
                    "\(errors.count) error(s); the first: \(first.file):\(first.line):\(first.column): \(first.message)"
            )
        } else {
            change = Change(.unchanged, "workflows", workflows, detail: "linted \(files.count) file(s): no errors")
        }
        return Observation(
            steps: [ResourceStep("lint", [change])],
            fingerprint: Digest.sha256Hex((digests + ["\(errors.count)"]).joined(separator: "\n")))
    }

    public func apply(_ step: ResourceStep, _ context: ProvisionContext) throws(ProvisionError) -> [Change] {
        if let conflict = step.changes.first(where: { $0.action == .conflict }) {
            let count = Int(conflict.detail?.prefix { $0.isNumber } ?? "") ?? 1
            let first = conflict.detail?.components(separatedBy: "the first: ").last ?? ""
            throw .workflowFindings(errors: count, first: first)
        }
        return step.changes
    }
}
