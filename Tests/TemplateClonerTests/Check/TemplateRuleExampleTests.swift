import RGCore
import Testing

@testable import TemplateCloner

/// Every template-check rule's own examples are its tests, as lint's are: a failing example is reported exactly at
/// its marks, by that rule; a passing one checks clean.
@Suite struct TemplateRuleExampleTests {
    static func check(_ example: RuleExample) -> (findings: [Diagnostic], expected: [SourcePosition]) {
        let (source, positions) = example.parsed(breaks: .lfCRLFCR)
        return (
            TemplateChecker.check(Array(source.utf8), file: example.file, palette: TemplateRules.examplePalette),
            positions
        )
    }

    @Test func everyRuleTheCheckerReportsIsDescribedOnceWithExamples() {
        let ids = TemplateRules.all.map(\.description.id)
        #expect(
            ids == [
                "off-palette-colour", "unresolved-token", "mjml-malformed", "mjml-structure", "missing-cta",
                "insecure-link",
            ])
        for rule in TemplateRules.all {
            #expect(!rule.triggering.isEmpty && !rule.nonTriggering.isEmpty, "\(rule.description.id)")
            #expect(rule.description.severity == .error)
            for example in rule.triggering {
                #expect(
                    !example.parsed(breaks: .lfCRLFCR).positions.isEmpty,
                    "\(rule.description.id): mark the positions with ↓")
            }
        }
    }

    @Test(arguments: TemplateRules.all.map(\.description.id))
    func failingExamplesFailAtTheMarkedPositions(_ id: String) throws {
        let rule = try #require(TemplateRules.all.first { $0.description.id == id })
        for example in rule.triggering {
            let (findings, expected) = Self.check(example)
            let actual = findings.filter { $0.rule == id }.map { SourcePosition(line: $0.line, column: $0.column) }
            #expect(
                actual.sorted() == expected.sorted(),
                "\(id): expected \(expected.map { "\($0.line):\($0.column)" }), got \(findings.map { "\($0.line):\($0.column) [\($0.rule)] \($0.message)" })"
            )
        }
    }

    @Test(arguments: TemplateRules.all.map(\.description.id))
    func passingExamplesCheckClean(_ id: String) throws {
        let rule = try #require(TemplateRules.all.first { $0.description.id == id })
        for example in rule.nonTriggering {
            let findings = Self.check(example).findings
            #expect(findings.isEmpty, "\(id): \(findings.map { "\($0.line):\($0.column) [\($0.rule)] \($0.message)" })")
        }
    }
}
