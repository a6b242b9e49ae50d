import Foundation
import RGCore
import WorkflowLint

/// `workflows`: the workflow library linted against the tenant (today's `lint --tenant`). Nothing is written; an
/// error finding is a conflict in the plan and stops the onboarding when applied.
public struct WorkflowsResource: ProvisionedResource {
    public var name: String { "workflows" }

    public init() {}

    public func observe(_ context: ProvisionContext) throws(ProvisionError) -> Observation {
        let lint = try self.lint(context)
        let change: Change
        if let first = lint.errors.first {
            change = Change(
                .conflict, "workflows", lint.folder,
                detail: "\(lint.errors.count) error(s); the first: \(Self.headline(first))")
        } else {
            change = Change(.unchanged, "workflows", lint.folder, detail: "linted \(lint.files) file(s): no errors")
        }
        return Observation(
            steps: [ResourceStep("lint", [change])],
            fingerprint: Digest.sha256Hex((lint.digests + ["\(lint.errors.count)"]).joined(separator: "\n")))
    }

    /// Nothing to write: the workflows are linted again, and an error stops the onboarding here.
    public func apply(_ step: ResourceStep, _ context: ProvisionContext) throws(ProvisionError) -> [Change] {
        let lint = try self.lint(context)
        if let first = lint.errors.first {
            throw .workflowFindings(errors: lint.errors.count, first: Self.headline(first))
        }
        return step.changes.map { Change(.unchanged, $0.kind, $0.identity, detail: $0.detail) }
    }

    private struct Lint {
        var folder: String
        var files: Int
        var errors: [Diagnostic]
        var digests: [String]
    }

    private func lint(_ context: ProvisionContext) throws(ProvisionError) -> Lint {
        let root = context.settings.libraryRoot
        let workflows = root == "." ? WorkflowLinter.defaultDirectory : "\(root)/\(WorkflowLinter.defaultDirectory)"
        let templates = root == "." ? TemplateLibrary.defaultDirectory : "\(root)/\(TemplateLibrary.defaultDirectory)"
        // The stages and webhooks the tenant will have: its verticals' seeded defaults with its own crm.json on top
        // (a tenant made by `tenant init` for another vertical may have no pipeline of its own at all).
        let library: TemplateLibrary
        let plan: SeedPlan
        do { library = try TemplateLibrary.load(directory: templates) } catch { throw .underlying(error) }
        do {
            plan = try SeedPlan.build(pack: context.pack, seedDirectory: context.settings.seedDirectory)
        } catch { throw .underlying(error) }
        let tenant = TenantContext(
            slug: context.slug.rawValue, pipelines: plan.pipelines, webhooks: plan.webhooks.keys.sorted(),
            templates: library)
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
        return Lint(
            folder: workflows, files: files.count, errors: diagnostics.filter { $0.severity == .error },
            digests: digests)
    }

    static func headline(_ diagnostic: Diagnostic) -> String {
        "\(diagnostic.file):\(diagnostic.line):\(diagnostic.column): \(diagnostic.message) [\(diagnostic.rule)]"
    }
}
