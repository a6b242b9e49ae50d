import Foundation
import RGCore
import TestSupport
import Testing

@testable import WorkflowLint

/// Paths and fixtures shared by the tests. Real data lives outside the repository and is read, never copied.
enum Fixtures {
    static let packageRoot = TestPaths.packageRoot.path

    static func path(_ relative: String) -> String { TestPaths.repository(relative) }

    /// `../shared/…` beside the package. Tests that read it are `.enabled(if: TestRequirements.shared(…))`, so
    /// here it is missing only under CI=true: a failure, never a skip.
    static func shared(_ relative: String) throws -> String {
        try MissingTestInput.shared(relative)
    }

    /// The tenant every rule example is linted against (a test fixture, not production data): a pipeline like
    /// Mr. DJ's, two webhooks, a small template library.
    static let exampleTenant = TenantContext(
        slug: "example",
        pipelines: [
            PipelineConfig(
                key: "wedding_sales", name: "Wedding Sales", vertical: nil, type: "sales", slaResponseHours: 24,
                isDefault: true,
                stages: [
                    StageConfig(key: "nieuwe_lead", name: "Nieuwe Lead", slaHours: 4, automation: "lead_intake"),
                    StageConfig(key: "orientatie_gesprek", name: "Oriëntatie Gesprek", slaHours: 48),
                    StageConfig(
                        key: "offerte_uitgebracht", name: "Offerte Uitgebracht", slaHours: 72,
                        automation: "proposal_followup"),
                    StageConfig(
                        key: "event_uitgevoerd", name: "Event Uitgevoerd", slaHours: 24, automation: "post_event_care"),
                ])
        ],
        webhooks: ["teams_operations", "teams_sales"],
        templates: TemplateLibrary(
            directory: "automation/templates",
            ids: [
                "email": ["lead_welcome", "proposal_reminder"], "whatsapp": ["lead_confirmation"],
                "teams": ["director_review"], "sms": [],
            ]))

    /// The template ids the shipped workflows use (the contract with the templates library, issue 4).
    static let shippedTemplateIDs = TemplateContract.workflowTemplateIDs

    /// A fresh temporary folder, removed by the caller's `defer`.
    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "rg-crm-lint-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// A template library holding exactly `ids` (channel → ids), as `<dir>/<channel>/<id>.<ext>` files.
    static func templateLibrary(_ ids: [String: [String]]) -> String {
        let directory = temporaryDirectory()
        for (channel, names) in ids {
            let folder = (directory as NSString).appendingPathComponent(channel)
            try! FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for name in names {
                _ = FileManager.default.createFile(
                    atPath: "\(folder)/\(name).\(channel == "email" ? "mjml" : "md")", contents: Data("x".utf8))
            }
        }
        return directory
    }

    static func write(_ text: String, to path: String) {
        try! FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: path, contents: Data(text.utf8))
    }

    static func lint(
        _ text: String, file: String = "automation/workflows/lead_intake.yaml",
        tenant: TenantContext? = Fixtures.exampleTenant
    ) -> [Diagnostic] {
        WorkflowLinter.lint(Array(text.utf8), path: file, tenant: tenant)
    }

    static func describe(_ findings: [Diagnostic]) -> [String] {
        findings.map { "\($0.line):\($0.column) \($0.rule)" }
    }
}
