import Foundation
import RGCore
import Testing

@testable import WorkflowLint

/// automation/workflows/*.yaml must be clean with --tenant mrdj: against the real template library, and against a
/// library holding exactly the ids agreed with the templates work (issue 4).
@Suite struct ShippedWorkflowTests {
    static let workflowsDirectory = Fixtures.path("automation/workflows")
    static let shipped = ["lead_intake", "post_event_care", "proposal_followup"]

    static func tenant(templates: String) throws -> TenantContext {
        try TenantContext.load(
            slug: "mrdj", configDirectory: Fixtures.path("configs/tenants"), templateDirectory: templates)
    }

    @Test func theThreeWorkflowsAreShipped() {
        let (files, unreadable) = WorkflowLinter.collectFiles([Self.workflowsDirectory])
        #expect(unreadable.isEmpty)
        #expect(files.map { WorkflowLinter.fileStem($0) } == Self.shipped)
    }

    @Test func cleanWithTenantMrdjAgainstTheAgreedTemplateIDs() async throws {
        let library = Fixtures.templateLibrary(Fixtures.shippedTemplateIDs)
        defer { try? FileManager.default.removeItem(atPath: library) }
        let report = await WorkflowLinter.lint(
            paths: [Self.workflowsDirectory], tenant: try Self.tenant(templates: library))
        #expect(report.filesChecked == 3)
        #expect(report.unreadable.isEmpty)
        #expect(
            report.diagnostics.isEmpty,
            "\(report.diagnostics.map { "\($0.file):\($0.line):\($0.column) \($0.message)" })")
        #expect(report.exitStatus(strict: true) == .success)
    }

    @Test func cleanWithTenantMrdjAgainstTheRealTemplateLibrary() async throws {
        let real = Fixtures.path(TemplateLibrary.defaultDirectory)
        try #require(FileManager.default.fileExists(atPath: real), "\(real) is shipped in the repository")
        let report = await WorkflowLinter.lint(
            paths: [Self.workflowsDirectory], tenant: try Self.tenant(templates: real))
        #expect(
            report.diagnostics.isEmpty,
            "\(report.diagnostics.map { "\($0.file):\($0.line):\($0.column) \($0.message)" })")
    }

    /// Without the templates they use, the shipped workflows fail: the check above is not vacuous.
    @Test func everyAgreedTemplateIsNeeded() async throws {
        for (channel, ids) in Fixtures.shippedTemplateIDs {
            for id in ids {
                var partial = Fixtures.shippedTemplateIDs
                partial[channel] = ids.filter { $0 != id }
                let library = Fixtures.templateLibrary(partial)
                defer { try? FileManager.default.removeItem(atPath: library) }
                let report = await WorkflowLinter.lint(
                    paths: [Self.workflowsDirectory], tenant: try Self.tenant(templates: library))
                // Once, or twice when the template is used in a building block (at the anchor and at the alias).
                #expect(!report.diagnostics.isEmpty, "\(channel)/\(id)")
                #expect(
                    report.diagnostics.allSatisfy { $0.rule == "unknown-template" && $0.message.contains("'\(id)'") })
            }
        }
    }

    @Test func theSeedsBranchAndTheBuildingBlocksAreUsed() throws {
        let text = try String(contentsOfFile: Self.workflowsDirectory + "/proposal_followup.yaml", encoding: .utf8)
        #expect(text.contains("when: deal.value > 5000"))
        let all = try Self.shipped.map {
            try String(contentsOfFile: Self.workflowsDirectory + "/\($0).yaml", encoding: .utf8)
        }.joined()
        for block in ["capture_lead", "nurture_sequence", "deal_escalation", "post_event_feedback"] {
            #expect(all.contains("&\(block)") && all.contains("*\(block)"), "\(block)")
        }
        #expect(all.contains("<<: *nurture_sequence"))
    }

    /// A mistake in a shipped workflow is caught, at the token: the branch with a quoted number.
    @Test func aBrokenBranchIsReportedAtTheToken() throws {
        let library = Fixtures.templateLibrary(Fixtures.shippedTemplateIDs)
        defer { try? FileManager.default.removeItem(atPath: library) }
        let text = try String(contentsOfFile: Self.workflowsDirectory + "/proposal_followup.yaml", encoding: .utf8)
            .replacingOccurrences(
                of: "      when: deal.value > 5000\n    - id: director_review_task",
                with: "      when: deal.value > \"5000\"\n    - id: director_review_task")
        let findings = WorkflowLinter.lint(
            Array(text.utf8), path: "proposal_followup.yaml", tenant: try Self.tenant(templates: library))
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let line = try #require(lines.firstIndex { $0.contains("\"5000\"") }) + 1
        let aliasLine = try #require(lines.firstIndex { $0 == "  - *deal_escalation" }) + 1
        #expect(
            Fixtures.describe(findings).sorted()
                == ["\(aliasLine):5 condition-type", "\(line):26 condition-type"].sorted())
    }
}
