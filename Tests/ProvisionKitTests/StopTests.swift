import Foundation
import RGCore
import TestSupport
import Testing

@testable import ProvisionKit

/// Findings and hand edits stop an onboarding where they are, and say so; nothing after them runs.
@Suite struct StopTests {
    @Test func aWorkflowErrorStopsTheOnboarding() throws {
        let library = try TestPaths.temporaryDirectory("library")
        defer { try? FileManager.default.removeItem(atPath: library) }
        try FileManager.default.copyItem(
            atPath: TestPaths.repository("automation"), toPath: library + "/automation")
        let workflow = library + "/automation/workflows/lead_intake.yaml"
        let text = try String(contentsOfFile: workflow, encoding: .utf8)
        try text.replacingOccurrences(of: "entry_stage: nieuwe_lead", with: "entry_stage: no_such_stage")
            .write(toFile: workflow, atomically: true, encoding: .utf8)
        try ProvisionFixture.with("wfstop") { fixture throws in
            fixture.settings.libraryRoot = library
            let plan = try fixture.provisioner().plan().plan
            #expect(plan.changes.contains { $0.kind == "workflows" && $0.action == .conflict })
            let report = try fixture.provisioner().apply()
            guard case .workflowFindings(let errors, let first)? = report.failure else {
                Issue.record("expected workflow findings, got \(String(describing: report.failure))")
                return
            }
            #expect(errors >= 1)
            #expect(first.contains("lead_intake.yaml:"))
            #expect(report.outcomes.map(\.result).suffix(3) == [.failed, .notRun, .notRun])
        }
    }

    @Test func aHandEditedTemplateIsKeptAndStopsTheOnboarding() throws {
        try ProvisionFixture.with("tplstop") { fixture throws in
            try fixture.apply()
            let file = (fixture.settings.automationRoot ?? "") + "/mrdj/automation/templates/sms/payment_reminder.txt"
            try "edited by hand\n".write(toFile: file, atomically: true, encoding: .utf8)
            let report = try fixture.provisioner().apply()
            guard case .templateConflicts(let count, let first)? = report.failure else {
                Issue.record("expected a template conflict, got \(String(describing: report.failure))")
                return
            }
            #expect(count == 1 && first.hasSuffix("payment_reminder.txt"))
            #expect(try String(contentsOfFile: file, encoding: .utf8) == "edited by hand\n")
            #expect(report.outcomes.first { $0.name == "workflows" }?.result == .notRun)
        }
    }
}
