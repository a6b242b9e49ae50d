import Foundation
import RGCore
import TestSupport
import Testing

@testable import WorkflowLint

/// The platform's real drafts, read from ../shared/data/origin (never copied into the repository).
@Suite struct LegacyDraftTests {
    static let drafts = ["lead_intake", "post_event_care", "proposal_followup"]
    static let folder = "data/origin/automation/workflows"

    /// Skipped with this reason where ../shared is missing, except under CI=true, where the test runs and fails.
    static let needsDrafts = Testing.ConditionTrait.enabled(
        if: TestRequirements.shared(folder), "needs the platform's drafts in ../shared/\(folder) (runs under CI=true)")

    static func draft(_ name: String) throws -> (path: String, bytes: [UInt8]) {
        let path = try Fixtures.shared("\(folder)/\(name).yaml")
        return (path, Array(try Data(contentsOf: URL(fileURLWithPath: path))))
    }

    static func mrdj() throws -> (TenantContext, String) {
        let library = Fixtures.templateLibrary(Fixtures.shippedTemplateIDs)
        let tenant = try TenantContext.load(
            slug: "mrdj", configDirectory: Fixtures.path("configs/tenants"), templateDirectory: library)
        return (tenant, library)
    }

    @Test(needsDrafts, arguments: drafts)
    func draftsAreRecognisedAsLegacyAndOtherwiseSound(_ name: String) throws {
        let (path, bytes) = try Self.draft(name)
        let findings = WorkflowLinter.lint(bytes, path: path)
        #expect(Fixtures.describe(findings) == ["1:1 legacy-format"])
        #expect(findings[0].severity == .warning)
        #expect(ExitStatus.forFindings(findings, strict: false) == .success)
        #expect(ExitStatus.forFindings(findings, strict: true) == .failed)
    }

    @Test(needsDrafts) func withTheTenantEachDraftIsMappedToAStageAndItsTemplatesChecked() throws {
        let (tenant, library) = try Self.mrdj()
        defer { try? FileManager.default.removeItem(atPath: library) }
        for name in Self.drafts {
            let (path, bytes) = try Self.draft(name)
            let findings = WorkflowLinter.lint(bytes, path: path, tenant: tenant)
            // lead_intake's metadata names the template 'lead-welcome'; the library's id is lead_welcome.
            let expected =
                name == "lead_intake" ? ["1:1 legacy-format", "19:21 unknown-template"] : ["1:1 legacy-format"]
            #expect(Fixtures.describe(findings) == expected, "\(name): \(findings.map(\.message))")
        }
    }

    @Test func legacyChecksCatchWhatApplies() {
        let text = """
            id: lead_intake
            triggers: [lead.created, deal.stage.Proposal, lead.updated]
            entrypoint: lead_intake
            retry: {max_attempts: 0, initial_interval: 1.0, backoff_factor: 0.5}
            metadata: {sla_minutes: -5}
            extra: 1

            """
        let findings = Fixtures.lint(text, tenant: nil)
        #expect(
            Fixtures.describe(findings) == [
                "1:1 legacy-format", "2:26 unknown-trigger", "2:47 unknown-trigger", "3:13 type", "4:23 type",
                "4:65 type",
                "5:25 type", "6:1 unknown-key",
            ])
    }

    @Test(needsDrafts) func upgradeOfEveryDraftKeepsEverythingAndSaysWhatToFillIn() throws {
        let (tenant, library) = try Self.mrdj()
        defer { try? FileManager.default.removeItem(atPath: library) }
        for name in Self.drafts {
            let (path, bytes) = try Self.draft(name)
            let upgrade = try WorkflowUpgrader.upgrade(bytes, path: path, tenant: tenant)
            let findings = WorkflowLinter.lint(Array(upgrade.text.utf8), path: path, tenant: tenant)
            if name == "proposal_followup" {
                #expect(upgrade.missing.isEmpty)
                #expect(findings.isEmpty, "\(findings.map(\.message))")
            } else {
                // These drafts have no escalation contact: exactly that value is left to a person.
                #expect(upgrade.missing.map(\.key) == ["fallback_owner"])
                #expect(Fixtures.describe(findings).map { $0.split(separator: " ").last! } == ["type"])
                #expect(findings[0].message.hasPrefix("fallback_owner"))
                let filled = upgrade.text.replacingOccurrences(
                    of: #"fallback_owner: ~  # FILL IN:[^\n]*"#, with: "fallback_owner: ROLE_SALES",
                    options: .regularExpression)
                #expect(WorkflowLinter.lint(Array(filled.utf8), path: path, tenant: tenant).isEmpty)
            }
            // Nothing is lost: every scalar of the draft appears in the upgrade (sla_minutes as hours).
            var sink = FindingSink(file: path)
            let original = try #require(DocumentBuilder.build(bytes, sink: &sink))
            let upgraded = try #require(DocumentBuilder.build(Array(upgrade.text.utf8), sink: &sink))
            let sla = original["metadata"]?["sla_minutes"]?.number
            #expect(upgraded["sla_hours"]?.number == sla.map { $0 / 60 })
            let kept = Set(Self.scalars(upgraded))
            // Keys the canonical format renames (their values are checked above or kept under new keys).
            let renamed = [
                "id", "triggers", "entrypoint", "sla_minutes", "escalation_contact",
                original["metadata"]?["sla_minutes"]?.scalar,
            ]
            for value in Self.scalars(original) where !renamed.contains(value) {
                #expect(kept.contains(value), "\(name): '\(value)' was lost")
            }
            #expect(upgraded["actions"]?.items?.first?["entrypoint"]?.scalar == original["entrypoint"]?.scalar)
            #expect(upgraded["retry"]?["max_attempts"]?.scalar == original["retry"]?["max_attempts"]?.scalar)
        }
    }

    static func scalars(_ node: Node) -> [String] {
        switch node.content {
        case .scalar(let text, _): [text]
        case .sequence: (node.items ?? []).flatMap(scalars)
        case .mapping: (node.entries ?? []).flatMap { scalars($0.key) + scalars($0.value) }
        case .invalid: []
        }
    }

    @Test(needsDrafts) func upgradeWithoutATenantAsksForTheEntryStage() throws {
        let (path, bytes) = try Self.draft("proposal_followup")
        let upgrade = try WorkflowUpgrader.upgrade(bytes, path: path, tenant: nil)
        #expect(upgrade.missing.map(\.key) == ["entry_stage"])
    }

    @Test func upgradeRefusesCanonicalAndBrokenFiles() {
        #expect(throws: WorkflowUpgrader.Failure.self) {
            try WorkflowUpgrader.upgrade(Array("workflow: x\nactions: []\n".utf8), path: "x.yaml", tenant: nil)
        }
        #expect(throws: WorkflowUpgrader.Failure.self) {
            try WorkflowUpgrader.upgrade(Array("id: [x\n".utf8), path: "x.yaml", tenant: nil)
        }
    }

    @Test func writerRoundTripsAwkwardScalars() throws {
        let text = """
            id: odd_one
            triggers: [lead.created]
            entrypoint: crm.automations.odd
            metadata:
              quoted: "true"
              colon: "a: b"
              hash: "x #y"
              empty: ""
              multi: "line one\\nline two"
              folded: >
                folded text
              number: 12
              nested: {list: [1, "2", {k: v}], empty: {}, none: []}

            """
        let upgrade = try WorkflowUpgrader.upgrade(Array(text.utf8), path: "odd_one.yaml", tenant: nil)
        var sink = FindingSink(file: "x")
        let original = try #require(DocumentBuilder.build(Array(text.utf8), sink: &sink))
        let upgraded = try #require(DocumentBuilder.build(Array(upgrade.text.utf8), sink: &sink))
        #expect(sink.diagnostics.isEmpty)
        for key in ["quoted", "colon", "hash", "empty", "multi", "folded", "number"] {
            #expect(upgraded["metadata"]?[key]?.scalar == original["metadata"]?[key]?.scalar, "\(key)")
            #expect(upgraded["metadata"]?[key]?.scalarType == original["metadata"]?[key]?.scalarType, "\(key)")
        }
        #expect(upgraded["metadata"]?["nested"]?["list"]?.items?.count == 3)
        #expect(upgraded["metadata"]?["nested"]?["list"]?.items?[2]["k"]?.scalar == "v")
    }

    @Test func dryRunDiffShowsTheChange() {
        let diff = LineDiff.unified(old: "a\nb\nc\n", new: "a\nB\nc\nd\n", path: "/tmp/x.yaml")
        #expect(diff == "--- a/tmp/x.yaml\n+++ b/tmp/x.yaml\n@@ -1,4 +1,5 @@\n a\n-b\n+B\n c\n+d\n \n")
        #expect(LineDiff.unified(old: "same\n", new: "same\n", path: "x").isEmpty)
    }
}
