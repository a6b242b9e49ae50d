import Foundation
import TestSupport
import RGCore
import Testing

@testable import WorkflowLint

/// Paths and fixtures shared by the tests. Real data lives outside the repository and is read, never copied.
enum Fixtures {
    static let packageRoot = TestPaths.packageRoot.path

    static func path(_ relative: String) -> String { TestPaths.repository(relative) }

    /// `../shared/…` beside the package. Missing under CI=true is a failure, not a skip.
    static func shared(_ relative: String) -> String? {
        let path = TestPaths.shared(relative)
        if FileManager.default.fileExists(atPath: path) { return path }
        if ProcessInfo.processInfo.environment["CI"] == "true" {
            Issue.record("\(path) is missing; CI must provide ../shared/\(relative)")
        }
        return nil
    }

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
        tenant: TenantContext? = RuleCatalogue.exampleTenant
    ) -> [Diagnostic] {
        WorkflowLinter.lint(Array(text.utf8), path: file, tenant: tenant)
    }

    static func describe(_ findings: [Diagnostic]) -> [String] {
        findings.map { "\($0.line):\($0.column) \($0.rule)" }
    }
}
